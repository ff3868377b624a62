"""Seats of a board election: reserved seats, parity, and the order of the weighted vote.

What is computed (docs/elections.md says the same in the assembly's words). Given the seats
(`SeatRules`), the candidates with their region, networks and gender, and each candidate's
weighted vote, a *feasible* set of elected candidates is one that can be seated so that

- each candidate holds one seat: a seat reserved for a group it belongs to, or a general seat;
- with the unfilled-reservation rule "vacant", a reserved seat is held only by a member of its
  group (or stays vacant), and at most `seats − reserved` candidates hold general seats; with
  "general", a reserved seat its group cannot fill is open to anyone, so only the total of
  `seats` limits the general list;
- with parity on, at most ⌈seats/2⌉ of the elected share one recorded gender (candidates with
  no recorded gender are not counted against any cap).

Among the feasible sets, the elected set is the best by, in this order:

1. the most reserved seats filled by members of their group (a reserved seat is vacant only
   when no feasible set fills it);
2. the most seats filled;
3. the weighted vote, lexicographically: compare the two sets' votes sorted from highest to
   lowest, and the first difference decides. Equivalently, each candidate is elected unless
   electing them would cost a reserved seat, a seat, or a candidate with more votes.

When several sets are best — candidates with equal votes compete for the last place — the
candidates in every best set are elected, those in some but not all are *tied*, and the
statutes' tie rule decides: "rejected" leaves the contested seats vacant, "chair" leaves them
to the chair (outcome "tie"). Only the totals are used, so a roll-call tally and a decrypted
secret tally are allocated alike.

The best set is found as a maximum-benefit flow (successive shortest paths, exact integers):
each priority tier outweighs everything below it, so one flow optimizes all three at once.
`tests/ballots/test_ballots_seats.py` compares it with a brute-force search over every
assignment on small cases.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from ballots.seat_rules import (
    TIE_RULES,
    Candidate,
    Reservation,
    SeatRules,
    SeatRulesError,
    is_int,
)
from ballots.seat_search import Problem, max_matching

# Why a seat went as it did: the codes `Seat.reason` takes (docs/elections.md).
REASONS = ("top", "parity", "from_general", "no_candidate", "no_candidate_left", "tie")


@dataclass(frozen=True)
class Seat:
    """One seat of the board and why it went as it did.

    number: 1.. (reserved seats first, in the order of the reservations, then general ones).
    reserved_for: the reservation, or None for a general seat.
    candidate / weight: who holds it and with what weighted vote (None when vacant).
    reason: one of REASONS — "top" (the highest weighted vote among those who could hold it
    and are not elected to another seat), "parity" (candidates with more votes were passed
    over to keep parity: `others`), "from_general" (a reserved seat its group could not fill,
    given to the general list), "no_candidate" (vacant: its group has no electable
    candidate), "no_candidate_left" (vacant: nobody left who could hold it), "tie" (contested
    by the tied candidates in `others`).
    """

    number: int
    reserved_for: Reservation | None
    candidate: str | None
    weight: int | None
    reason: str
    others: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """The seat as result.json `election.seats` lists it."""
        return {
            "seat": self.number,
            "reserved_for": self.reserved_for.to_dict() if self.reserved_for else None,
            "candidate": self.candidate,
            "weight": self.weight,
            "reason": self.reason,
            "others": list(self.others),
        }


@dataclass(frozen=True)
class Allocation:
    """The seats, the elected (in the candidates' order), the tied, and the outcome string
    ("elected:<key>[,<key>…]", "none", or "tie" when the tie rule is "chair")."""

    seats: tuple[Seat, ...]
    elected: tuple[str, ...]
    tied: tuple[str, ...]
    outcome: str


def _reserved_slots(rules: SeatRules) -> list[Reservation]:
    return [r for r in rules.reservations for _ in range(r.seats)]


def _seat_reserved(
    slots: Sequence[Reservation], elected: Sequence[Candidate]
) -> list[Candidate | None]:
    """Who of `elected` (in ranking order) holds each reserved slot: as many slots filled as
    possible, and slot by slot the best-ranked member that keeps that maximum reachable."""
    target = max_matching(elected, slots)
    holders: list[Candidate | None] = []
    free = list(elected)
    filled = 0
    for index, slot in enumerate(slots):
        chosen = None
        for member in free:
            if not member.fits(slot):
                continue
            rest = [m for m in free if m is not member]
            if filled + 1 + max_matching(rest, slots[index + 1:]) == target:
                chosen = member
                break
        if chosen is not None:
            free.remove(chosen)
            filled += 1
        holders.append(chosen)
    return holders


def _check_inputs(
    rules: SeatRules, candidates: Sequence[Candidate], votes: Mapping[str, int], tie: str
) -> None:
    if not isinstance(rules, SeatRules):
        raise SeatRulesError("rules must be SeatRules")
    keys = [c.key for c in candidates]
    if len(set(keys)) != len(keys):
        raise SeatRulesError("candidate keys must be unique")
    for key in keys:
        vote = votes.get(key)
        if not is_int(vote) or vote < 0:  # type: ignore[operator]
            raise SeatRulesError(f"the vote of {key} must be a whole number >= 0, got {vote!r}")
    if tie not in TIE_RULES:
        raise SeatRulesError(f"tie must be 'rejected' or 'chair', got {tie!r}")


def allocate(
    rules: SeatRules,
    candidates: Sequence[Candidate],
    votes: Mapping[str, int],
    *,
    electable: Collection[str] | None = None,
    tie: str = "rejected",
) -> Allocation:
    """Fill the seats from the weighted votes, as the module docstring defines.

    candidates: in the poll's order (the order of `Allocation.elected`). votes: each
    candidate's weighted vote (only the totals). electable: the candidates that may be
    elected (those the poll's majority rule qualifies); by default those with votes > 0.
    tie: the statutes' rule for candidates tied at the last place ("rejected" or "chair").
    """
    _check_inputs(rules, candidates, votes, tie)
    allowed = (
        {c.key for c in candidates if votes[c.key] > 0} if electable is None else set(electable)
    )
    problem = Problem(rules, tuple(c for c in candidates if c.key in allowed), votes)
    value, one_best = problem.best()
    certain, tied = set(), set()
    for candidate in problem.candidates:
        key = candidate.key
        if key in one_best:
            if problem.best(forbidden=key)[0] == value:
                tied.add(key)
            else:
                certain.add(key)
        elif problem.best(forced=key)[0] == value:
            tied.add(key)
    seats = _seat_all(problem, one_best, certain, tied)
    order = [c.key for c in candidates]
    elected = tuple(key for key in order if key in certain)
    if tied and tie == "chair":
        outcome = "tie"
    else:
        outcome = "elected:" + ",".join(elected) if elected else "none"
    return Allocation(
        seats=tuple(seats),
        elected=elected,
        tied=tuple(key for key in order if key in tied),
        outcome=outcome,
    )


def _ranking(problem: Problem, keys: Collection[str]) -> list[Candidate]:
    """Candidates among `keys`, highest vote first (the poll's order among equal votes)."""
    members = [c for c in problem.candidates if c.key in keys]
    return sorted(members, key=lambda c: -problem.votes[c.key])


def _seat_all(
    problem: Problem, best: frozenset[str], certain: set[str], tied: set[str]
) -> list[Seat]:
    """Seat one best set; a seat whose holder is tied becomes a "tie" seat contested by the
    tied candidates who could hold it (so exactly the contested seats are marked)."""
    rules, votes = problem.rules, problem.votes
    slots = _reserved_slots(rules)
    members = _ranking(problem, best)
    holders = _seat_reserved(slots, members)
    taken = {c.key for c in holders if c is not None}
    remaining = [c for c in members if c.key not in taken]
    losers = [c for c in problem.candidates if c.key not in certain and c.key not in tied]
    rivals = _ranking(problem, tied)
    seats: list[Seat | None] = []
    open_numbers: list[int] = []
    for number, (slot, holder) in enumerate(zip(slots, holders, strict=True), start=1):
        if holder is not None and holder.key in certain:
            seats.append(_held(number, slot, holder, votes, losers, "top"))
        elif holder is not None:
            contest = tuple(c.key for c in rivals if c.fits(slot))
            seats.append(Seat(number, slot, None, None, "tie", contest))
        elif rules.unfilled_reserved == "general":
            seats.append(None)
            open_numbers.append(number)
        else:
            never = not any(c.fits(slot) for c in problem.candidates)
            reason = "no_candidate" if never else "no_candidate_left"
            seats.append(Seat(number, slot, None, None, reason))
    seats += [None] * (rules.seats - len(slots))
    open_numbers += list(range(len(slots) + 1, rules.seats + 1))
    for number in open_numbers:
        open_slot = slots[number - 1] if number <= len(slots) else None
        holder = remaining.pop(0) if remaining else None
        if holder is None:
            seats[number - 1] = Seat(number, open_slot, None, None, "no_candidate_left")
        elif holder.key in certain:
            usual = "top" if open_slot is None else "from_general"
            seats[number - 1] = _held(number, open_slot, holder, votes, losers, usual, True)
        else:
            contest = tuple(c.key for c in rivals)
            seats[number - 1] = Seat(number, open_slot, None, None, "tie", contest)
    return [seat for seat in seats if seat is not None]


def _held(
    number: int,
    slot: Reservation | None,
    holder: Candidate,
    votes: Mapping[str, int],
    losers: Sequence[Candidate],
    usual: str,
    general: bool = False,
) -> Seat:
    """A held seat, with the candidates who could have held it and had more votes: only
    parity can have kept them out (otherwise swapping them in would be a better set)."""
    passed = tuple(
        c.key for c in losers
        if votes[c.key] > votes[holder.key] and (general or slot is None or c.fits(slot))
    )
    reason = "parity" if passed and usual == "top" else usual
    return Seat(number, slot, holder.key, votes[holder.key], reason, passed)
