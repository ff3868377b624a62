"""Board elections in a signed result: the seat rules, the candidates' public facts, and the
seats as `ballots.seats` allocates them from the tally.

A result that declares an election (result.json `election`, docs/elections.md) carries
`election.rules` (seats, reservations, parity, the rule for reserved seats nobody can fill),
`election.candidates` (each option key's region, networks and gender) and `election.seats`
(each seat with its holder and reason). Its `outcome` is the allocation's outcome instead of
plain ranking, and the verifier recomputes the seats from `result.tally` alone, so an
encrypted poll's decrypted totals are checked the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from ballots.polls import PollSpec
from ballots.seat_rules import Candidate, SeatRules, SeatRulesError
from ballots.seats import Allocation, allocate
from ballots.tally import Decision, RollEntry, Tally, decide, qualified

_CANDIDATE_FIELDS = {"region", "networks", "gender"}


@dataclass(frozen=True)
class Election:
    """The seat rules of an election poll and its candidates, one per candidate option."""

    rules: SeatRules
    candidates: tuple[Candidate, ...]

    def check_against(self, spec: PollSpec) -> None:
        """Raise SeatRulesError unless this election fits the poll: a "multiple" or "single"
        poll whose candidates are exactly these, marking at most `seats` of them."""
        if spec.method not in ("single", "multiple"):
            raise SeatRulesError("an election is a single or multiple poll")
        if tuple(c.key for c in self.candidates) != spec.candidates:
            raise SeatRulesError("the election's candidates must be the poll's options")
        if spec.max_choices > self.rules.seats:
            raise SeatRulesError("a ballot may mark at most as many candidates as seats")

    def to_dict(self) -> dict[str, object]:
        """`rules` and `candidates` ({key: {region, networks, gender}}) as result.json has
        them under `election`."""
        return {
            "rules": self.rules.to_dict(),
            "candidates": {c.key: c.to_dict() for c in self.candidates},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object], spec: PollSpec) -> Election:
        """The election of result.json `election` (its `seats` are ignored: they are what
        gets checked), for the poll `spec`."""
        if not isinstance(data, Mapping):
            raise SeatRulesError("election must be an object")
        raw_rules, raw = data.get("rules"), data.get("candidates")
        if not isinstance(raw_rules, Mapping) or not isinstance(raw, Mapping):
            raise SeatRulesError("election needs rules and candidates")
        candidates = []
        for key in spec.candidates:
            facts = raw.get(key)
            if not isinstance(facts, Mapping) or set(facts) != _CANDIDATE_FIELDS:
                raise SeatRulesError(f"candidate {key} needs exactly region, networks, gender")
            networks = facts["networks"]
            if not isinstance(networks, list):
                raise SeatRulesError(f"networks of {key} must be a list")
            candidates.append(Candidate(key, facts["region"], tuple(networks), facts["gender"]))
        if set(raw) != set(spec.candidates):
            raise SeatRulesError("election.candidates must name exactly the poll's candidates")
        election = cls(SeatRules.from_dict(raw_rules), tuple(candidates))
        election.check_against(spec)
        return election


def _number(details: Mapping[str, object], name: str) -> int:
    return cast(int, details[name])  # decide() always puts integers there


def decide_election(
    spec: PollSpec, roll: Sequence[RollEntry], count: Tally, election: Election
) -> tuple[Decision, Allocation | None]:
    """Quorum and outcome of an election poll with seat rules: `decide` for the quorum and
    the base, then `ballots.seats.allocate` over the candidates that qualify under the
    poll's majority, with the poll's tie rule. No quorum: no allocation."""
    decision = decide(spec, roll, count)
    if not decision.quorum_met:
        return decision, None
    details = decision.details
    electable = qualified(
        spec,
        count,
        _number(details, "base_weight"),
        _number(details, "base_organizations"),
        _number(details, "present_weight"),
    )
    votes = {key: count.per_option[key].weight for key in spec.candidates}
    allocation = allocate(
        election.rules, election.candidates, votes, electable=electable, tie=spec.rules.tie
    )
    merged = {**details, "elected": list(allocation.elected), "tied": list(allocation.tied)}
    return Decision(True, allocation.outcome, merged), allocation


def election_section(election: Election, allocation: Allocation | None) -> dict[str, object]:
    """result.json `election`: the rules, the candidates, and the seats (none without
    quorum)."""
    seats = [seat.to_dict() for seat in allocation.seats] if allocation else []
    return {**election.to_dict(), "seats": seats}
