"""The search behind `ballots.seats.allocate`: the best set of candidates as a maximum-
benefit flow, and the reserved-seat matching used to seat them.

Network: source → gender (capacity ⌈seats/2⌉ with parity) → candidate (capacity 1, benefit
of one seat plus the candidate's vote level) → each reservation the candidate fits (benefit
of one reserved seat) or the general list → total (capacity `seats`) → sink. The benefits
are tiered so that each tier outweighs all below it (docs/elections.md): the flow of most
benefit is the best set of the `ballots.seats` definition.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ballots.seat_rules import Candidate, Reservation, SeatRules


class Flow:
    """A maximum-benefit flow by successive shortest paths (Bellman–Ford on the residual
    graph). Benefits are exact integers, so the priority tiers never blur."""

    def __init__(self, nodes: int) -> None:
        self.heads: list[list[int]] = [[] for _ in range(nodes)]
        self.to: list[int] = []
        self.cap: list[int] = []
        self.cost: list[int] = []

    def edge(self, a: int, b: int, cap: int, benefit: int = 0) -> int:
        """Add an edge a→b of capacity `cap` worth `benefit` per unit; return its index
        (its residual twin is the index + 1)."""
        for node, other, c, cost in ((a, b, cap, -benefit), (b, a, 0, benefit)):
            self.heads[node].append(len(self.to))
            self.to.append(other)
            self.cap.append(c)
            self.cost.append(cost)
        return len(self.to) - 2

    def run(self, source: int, sink: int) -> int:
        """Augment along the most beneficial path while it has a positive benefit; return
        the total benefit (the optimum: a flow's best cost is convex in its size)."""
        total = 0
        while True:
            dist: list[int | None] = [None] * len(self.heads)
            via = [-1] * len(self.heads)
            dist[source] = 0
            for _ in range(len(self.heads)):
                changed = False
                for node, node_dist in enumerate(dist):
                    if node_dist is None:
                        continue
                    for e in self.heads[node]:
                        target = self.to[e]
                        if self.cap[e] > 0 and (
                            dist[target] is None or node_dist + self.cost[e] < dist[target]  # type: ignore[operator]
                        ):
                            dist[target], via[target] = node_dist + self.cost[e], e
                            changed = True
                if not changed:
                    break
            best = dist[sink]
            if best is None or best >= 0:
                return total
            node = sink
            while node != source:  # every edge has capacity >= 1: push one unit
                e = via[node]
                self.cap[e] -= 1
                self.cap[e ^ 1] += 1
                node = self.to[e ^ 1]
            total -= best


@dataclass(frozen=True)
class Problem:
    """One election to search: the seat rules, the electable candidates in the poll's
    order, and every candidate's weighted vote."""

    rules: SeatRules
    candidates: tuple[Candidate, ...]
    votes: Mapping[str, int]

    def level_benefit(self) -> dict[str, int]:
        """A benefit per candidate that orders sets as tier 3 does: each distinct vote level
        outweighs any `seats` candidates of the levels below it."""
        base = self.rules.seats + 1
        levels = sorted({self.votes[c.key] for c in self.candidates}, reverse=True)
        power = {vote: base ** (len(levels) - 1 - i) for i, vote in enumerate(levels)}
        return {c.key: power[self.votes[c.key]] for c in self.candidates}

    def best(self, forced: str | None = None, forbidden: str | None = None
             ) -> tuple[int, frozenset[str]]:
        """The best value (tiers 1–3 in one integer) and one best set, with `forced` among
        the elected if any feasible set has it, and `forbidden` never."""
        rules, candidates = self.rules, self.candidates
        levels = self.level_benefit()
        seat_tier = (rules.seats + 1) ** (len(set(levels.values())) + 1)
        reserved_tier = (rules.seats + 1) * seat_tier
        force_tier = (rules.seats + 1) * reserved_tier
        genders = sorted({c.gender for c in candidates if c.gender is not None})
        source, sink, total, general = 0, 1, 2, 3
        first_gender = 4
        first_reservation = first_gender + len(genders)
        first_candidate = first_reservation + len(rules.reservations)
        flow = Flow(first_candidate + len(candidates))
        for index, _gender in enumerate(genders):
            flow.edge(source, first_gender + index, rules.gender_cap)
        for index, reservation in enumerate(rules.reservations):
            flow.edge(first_reservation + index, total, reservation.seats, reserved_tier)
        general_seats = rules.seats
        if rules.unfilled_reserved == "vacant":
            general_seats -= rules.reserved
        flow.edge(general, total, general_seats)
        flow.edge(total, sink, rules.seats)
        entries = {}
        for index, candidate in enumerate(candidates):
            if candidate.key == forbidden:
                continue
            node = first_candidate + index
            origin = (
                source if candidate.gender is None
                else first_gender + genders.index(candidate.gender)
            )
            benefit = seat_tier + levels[candidate.key]
            benefit += force_tier if candidate.key == forced else 0
            entries[candidate.key] = flow.edge(origin, node, 1, benefit)
            for r_index, reservation in enumerate(rules.reservations):
                if candidate.fits(reservation):
                    flow.edge(node, first_reservation + r_index, 1)
            flow.edge(node, general, 1)
        value = flow.run(source, sink)
        chosen = frozenset(key for key, e in entries.items() if flow.cap[e] == 0)
        if forced is not None:
            # a forced candidate no feasible set can hold is simply left out: say so with -1
            value = value - force_tier if forced in chosen else -1
        return value, chosen


def max_matching(members: Sequence[Candidate], slots: Sequence[Reservation]) -> int:
    """The most reserved slots that distinct `members` can fill (Kuhn's augmenting paths)."""
    holder: list[int | None] = [None] * len(slots)

    def place(member: int, seen: set[int]) -> bool:
        for slot, reservation in enumerate(slots):
            if slot in seen or not members[member].fits(reservation):
                continue
            seen.add(slot)
            current = holder[slot]
            if current is None or place(current, seen):
                holder[slot] = member
                return True
        return False

    return sum(place(member, set()) for member in range(len(members)))
