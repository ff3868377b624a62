"""Counting ballots (API.md §3 check 5) and deciding a poll (check 6).

`tally` recounts the ledger against the frozen roll; `decide` applies the poll's rules to
that count. Both are exact integer arithmetic: percentages are compared by
cross-multiplication (`part * 100 >= pct * whole`), never by division.
The rules, in the assembly's words, are in docs/audit.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ballots.casting import VOTE_FIELDS, BallotRejected, validate_choice
from ballots.polls import ABSTAIN, PollSpec, Rules

_VOTE_KEYS = frozenset(VOTE_FIELDS)


class TallyError(ValueError):
    """The roll or a counted ballot is not countable (duplicate voter, invalid ballot)."""

    def __init__(self, message: str, *, seq: int | None = None, code: str | None = None):
        super().__init__(message)
        self.seq = seq
        self.code = code


@dataclass(frozen=True)
class RollEntry:
    """One voting right of the frozen roll (roll.jsonl line).

    voter: the voter id in the ledger (organization id, or per-poll pseudonym if secret).
    weight: integer >= 1, frozen with the roll. present: checked in when the roll froze.
    organization: the organization's name; None in a secret poll.
    """

    voter: str
    weight: int
    present: bool
    organization: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.voter, str) or not self.voter:
            raise TallyError(f"roll voter must be a non-empty string, got {self.voter!r}")
        if isinstance(self.weight, bool) or not isinstance(self.weight, int) or self.weight < 1:
            raise TallyError(
                f"weight of {self.voter!r} must be an integer >= 1, got {self.weight!r}"
            )
        if not isinstance(self.present, bool):
            raise TallyError(f"present of {self.voter!r} must be true or false")
        if self.organization is not None and not isinstance(self.organization, str):
            raise TallyError(f"organization of {self.voter!r} must be a string or null")


@dataclass(frozen=True)
class BallotLine:
    """One accepted ballot in ledger order: its `seq`, the voter, and the vote fields
    (`choice`, `choices` or `split`; other keys are ignored)."""

    seq: int
    voter: str
    vote: Mapping[str, object]


@dataclass(frozen=True)
class OptionCount:
    """What one option received: weight, and how many voting rights gave it any."""

    weight: int
    organizations: int


@dataclass(frozen=True)
class Tally:
    """The recount of a poll.

    per_option: every option key of the poll → OptionCount (zero when nobody chose it).
    cast_weight / cast_organizations: weight and number of voters with a counted ballot.
    counted_voters: those voters.
    abstaining_organizations: counted voters whose whole weight went to "abstain".
    ignored_ballots: ballots whose voter is not on the roll (they count for nothing).
    """

    per_option: Mapping[str, OptionCount]
    cast_weight: int
    cast_organizations: int
    counted_voters: frozenset[str]
    abstaining_organizations: int = 0
    ignored_ballots: int = 0


@dataclass(frozen=True)
class Attendance:
    """The roll's totals, and who counts as present: checked in, or cast a counted ballot."""

    total_weight: int
    total_organizations: int
    present_weight: int
    present_organizations: int


@dataclass(frozen=True)
class Decision:
    """quorum_met, the outcome string (see `decide`), and the numbers it was derived from."""

    quorum_met: bool
    outcome: str
    details: Mapping[str, object]


def _weights(roll: Iterable[RollEntry]) -> dict[str, int]:
    weights: dict[str, int] = {}
    for entry in roll:
        if entry.voter in weights:
            raise TallyError(f"voter {entry.voter!r} appears twice on the roll")
        weights[entry.voter] = entry.weight
    return weights


def counted_ballots(
    spec: PollSpec, weights: Mapping[str, int], ballots: Iterable[BallotLine]
) -> tuple[dict[str, BallotLine], int]:
    """The ballot that counts for each voter on the roll, and how many ballots were off-roll.

    API.md §3 check 5: with `allow_revote` the voter's last ballot (in ledger order)
    counts, otherwise its first.
    """
    counted: dict[str, BallotLine] = {}
    ignored = 0
    revote = spec.allow_revote
    for ballot in ballots:
        if ballot.voter not in weights:
            ignored += 1
        elif revote or ballot.voter not in counted:
            counted[ballot.voter] = ballot
    return counted, ignored


def _fast_split(
    spec: PollSpec, weight: int, vote: Mapping[str, object]
) -> list[tuple[str, int]] | None:
    """The allocation of a valid split ballot, or None to let `validate_choice` judge it
    (and name the problem). Only a speed-up: it accepts nothing validate_choice rejects."""
    split = vote.get("split")
    if not spec.allow_split or type(split) is not dict or len(vote.keys() & _VOTE_KEYS) != 1:
        return None
    options = spec.options
    allocation = []
    total = 0
    for key, units in split.items():
        if key not in options or type(units) is not int or units < 0:
            return None
        total += units
        if units:
            allocation.append((key, units))
    return allocation if total == weight and allocation else None


def allocation_of(
    spec: PollSpec, weight: int, vote: Mapping[str, object]
) -> Sequence[tuple[str, int]]:
    """What each option receives from one ballot of a voter of `weight`: exactly
    `validate_choice(spec, weight, vote).allocation(weight)` (raising `BallotRejected` in
    the same cases), with a faster path for the common well-formed ballots."""
    choice = vote.get("choice")
    if type(choice) is str and choice in spec.options and len(vote.keys() & _VOTE_KEYS) == 1:
        return ((choice, weight),)
    return _fast_split(spec, weight, vote) or validate_choice(spec, weight, vote).allocation(weight)


def tally(spec: PollSpec, roll: Sequence[RollEntry], ballots: Iterable[BallotLine]) -> Tally:
    """Recount a poll (API.md §3 check 5).

    Only voters on the roll count; one ballot per voter (see `counted_ballots`); `choice`
    and `choices` give the voter's full weight to each option named; `split` units go to
    each option. An option's `organizations` counts the voters that gave it weight > 0.
    Raises `TallyError` (with `seq` and the `BallotRejected` code) for a counted ballot that
    is not valid for the poll, and for a voter listed twice on the roll.
    """
    weights = _weights(roll)
    counted, ignored = counted_ballots(spec, weights, ballots)
    option_weight = dict.fromkeys(spec.options, 0)
    option_orgs = dict.fromkeys(spec.options, 0)
    abstaining = 0
    cast_weight = 0
    for voter, ballot in counted.items():
        weight = weights[voter]
        cast_weight += weight
        vote = ballot.vote
        choice = vote.get("choice")
        # Fast path for the common ballot, one valid `choice` and nothing else; it gives
        # the same count as the general path below (tests compare both with a reference).
        if type(choice) is str and choice in option_weight and len(vote.keys() & _VOTE_KEYS) == 1:
            option_weight[choice] += weight
            option_orgs[choice] += 1
            abstaining += choice == ABSTAIN
            continue
        try:
            allocation = allocation_of(spec, weight, vote)
        except BallotRejected as exc:
            raise TallyError(
                f"ballot seq {ballot.seq} of {voter!r}: {exc.message}",
                seq=ballot.seq,
                code=exc.code,
            ) from None
        only_abstain = True
        for key, amount in allocation:
            option_weight[key] += amount
            option_orgs[key] += 1
            only_abstain = only_abstain and key == ABSTAIN
        abstaining += only_abstain
    return Tally(
        per_option={
            key: OptionCount(weight=option_weight[key], organizations=option_orgs[key])
            for key in spec.options
        },
        cast_weight=cast_weight,
        cast_organizations=len(counted),
        counted_voters=frozenset(counted),
        abstaining_organizations=abstaining,
        ignored_ballots=ignored,
    )


def attendance(roll: Sequence[RollEntry], count: Tally) -> Attendance:
    """Totals of the roll, and presence: a voting right is present if checked in, or if it
    cast a counted ballot (it was evidently there to vote)."""
    present_weight = present_orgs = total_weight = 0
    for entry in roll:
        total_weight += entry.weight
        if entry.present or entry.voter in count.counted_voters:
            present_weight += entry.weight
            present_orgs += 1
    return Attendance(
        total_weight=total_weight,
        total_organizations=len(roll),
        present_weight=present_weight,
        present_organizations=present_orgs,
    )


def _at_least(part: int, pct: int, whole: int) -> bool:
    """part / whole >= pct / 100, exactly, in integers."""
    return part * 100 >= pct * whole


def quorum(rules: Rules, seen: Attendance) -> tuple[bool, dict[str, object]]:
    """Whether the quorum is met (DESIGN.md "Poll": share of weight and/or organizations
    present). A percent of 0 means no such quorum; none at all means met."""
    parts: dict[str, bool] = {}
    if rules.quorum_weight_pct:
        parts["weight"] = _at_least(seen.present_weight, rules.quorum_weight_pct, seen.total_weight)
    if rules.quorum_orgs_pct:
        parts["organizations"] = _at_least(
            seen.present_organizations, rules.quorum_orgs_pct, seen.total_organizations
        )
    if not parts:
        met = True
    elif rules.quorum_mode == "and":
        met = all(parts.values())
    else:
        met = any(parts.values())
    return met, {f"quorum_{name}_met": value for name, value in parts.items()}


def _qualifies(
    rules: Rules, weight: int, orgs: int, base_w: int, base_o: int, present_w: int
) -> bool:
    """Whether an option with `weight` / `orgs` reaches the majority (other than "simple")."""
    if weight <= 0:
        return False
    if rules.majority == "absolute":
        return weight * 2 > present_w
    if rules.majority == "two_thirds":
        return weight * 3 >= base_w * 2
    if rules.majority == "unanimity":
        return weight == base_w
    if rules.majority == "double":
        return _at_least(weight, rules.double_weight_pct, base_w) and _at_least(
            orgs, rules.double_orgs_pct, base_o
        )
    return True  # "simple": plurality among candidates, no threshold


def _decide_motion(rules: Rules, count: Tally, base_w: int, base_o: int, present_w: int) -> str:
    yes = count.per_option["yes"]
    if rules.majority != "simple":
        ok = _qualifies(rules, yes.weight, yes.organizations, base_w, base_o, present_w)
        return "adopted" if ok else "rejected"
    if yes.weight * 2 > base_w:
        return "adopted"
    if yes.weight * 2 == base_w and base_w > 0:
        return "tie" if rules.tie == "chair" else "rejected"
    return "rejected"


def qualified(
    spec: PollSpec, count: Tally, base_w: int, base_o: int, present_w: int
) -> dict[str, int]:
    """The candidates whose weight reaches the poll's majority (docs/audit.md §3.5, step 1),
    with their weights, in the poll's option order."""
    return {
        key: count.per_option[key].weight
        for key in spec.candidates
        if _qualifies(
            spec.rules,
            count.per_option[key].weight,
            count.per_option[key].organizations,
            base_w,
            base_o,
            present_w,
        )
    }


def _decide_election(
    spec: PollSpec, count: Tally, base_w: int, base_o: int, present_w: int
) -> tuple[str, dict[str, object]]:
    seats = spec.max_choices
    qualified_weights = qualified(spec, count, base_w, base_o, present_w)
    tied: list[str] = []
    if len(qualified_weights) <= seats:
        elected = list(qualified_weights)
    else:
        cutoff = sorted(qualified_weights.values(), reverse=True)[seats - 1]
        above = [key for key, weight in qualified_weights.items() if weight > cutoff]
        at = [key for key, weight in qualified_weights.items() if weight == cutoff]
        if len(above) + len(at) == seats:
            elected = [key for key in qualified_weights if qualified_weights[key] >= cutoff]
        else:
            elected, tied = above, at
    details: dict[str, object] = {"elected": elected, "tied": tied}
    if tied and spec.rules.tie == "chair":
        return "tie", details
    return ("elected:" + ",".join(elected) if elected else "none"), details


def decide(spec: PollSpec, roll: Sequence[RollEntry], count: Tally) -> Decision:
    """Quorum and outcome of a poll (API.md §3 check 6), exactly as docs/audit.md states.

    Base of votes cast: the weight of the counted ballots, less the weight given to
    "abstain" unless `abstentions_count`; organizations likewise (voters who only
    abstained are left out unless `abstentions_count`).

    Outcomes: "no_quorum" when the quorum is not met. yes_no_abstain: "adopted",
    "rejected", or "tie" (only under majority "simple" with tie rule "chair", when yes is
    exactly half of the base). single / multiple: "elected:<key>[,<key>…]" (keys in the
    poll's option order), "none" (no option qualified, or a tie with tie rule
    "rejected" and nobody clearly ahead), or "tie" (tie at the last seat, rule "chair").
    """
    rules = spec.rules
    seen = attendance(roll, count)
    met, quorum_details = quorum(rules, seen)
    abstain_weight = count.per_option[ABSTAIN].weight if ABSTAIN in count.per_option else 0
    if rules.abstentions_count:
        base_w, base_o = count.cast_weight, count.cast_organizations
    else:
        base_w = count.cast_weight - abstain_weight
        base_o = count.cast_organizations - count.abstaining_organizations
    details: dict[str, object] = {
        "total_weight": seen.total_weight,
        "total_organizations": seen.total_organizations,
        "present_weight": seen.present_weight,
        "present_organizations": seen.present_organizations,
        "base_weight": base_w,
        "base_organizations": base_o,
        **quorum_details,
    }
    if not met:
        return Decision(quorum_met=False, outcome="no_quorum", details=details)
    if spec.method == "yes_no_abstain":
        outcome = _decide_motion(rules, count, base_w, base_o, seen.present_weight)
    else:
        outcome, extra = _decide_election(spec, count, base_w, base_o, seen.present_weight)
        details.update(extra)
    return Decision(quorum_met=True, outcome=outcome, details=details)
