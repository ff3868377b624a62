"""Seat allocation (`ballots.seats`) against a brute-force reference, and worked examples.

The reference shares no code with `ballots.seats`: it tries every subset of the candidates
and every way of seating each subset (each member in a reserved seat of a group it belongs
to, or in a general seat), keeps the seatings that respect the capacities and parity, and
ranks them by the three tiers of docs/elections.md: reserved seats filled by their groups,
seats filled, then the votes sorted from highest to lowest. Elected = in every best set;
tied = in some best set but not all.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots.seat_rules import Candidate, Reservation, SeatRules, SeatRulesError
from ballots.seats import allocate


def _seatings(rules, members):
    """Every way to seat `members`: for each, a reservation index or "g" (general)."""
    choices = []
    for member in members:
        options = [i for i, r in enumerate(rules.reservations) if member.fits(r)]
        choices.append(options + ["g"])
    return itertools.product(*choices)


def _score(rules, members, votes):
    """The best (reserved filled, seats filled) over the seatings of `members`, or None."""
    for gender in {m.gender for m in members if m.gender is not None}:
        if sum(m.gender == gender for m in members) > rules.gender_cap:
            return None
    best = None
    for seating in _seatings(rules, members):
        reserved = sum(1 for s in seating if s != "g")
        if any(seating.count(i) > r.seats for i, r in enumerate(rules.reservations)):
            continue
        general = seating.count("g")
        limit = rules.seats - (rules.reserved if rules.unfilled_reserved == "vacant" else reserved)
        if general > limit:
            continue
        if best is None or reserved > best:
            best = reserved
    if best is None:
        return None
    return (best, len(members), sorted((votes[m.key] for m in members), reverse=True))


def brute_force(rules, candidates, votes):
    electable = [c for c in candidates if votes[c.key] > 0]
    scored = []
    for size in range(0, min(rules.seats, len(electable)) + 1):
        for members in itertools.combinations(electable, size):
            score = _score(rules, members, votes)
            if score is not None:
                scored.append((score, frozenset(m.key for m in members)))
    top = max(score for score, _ in scored)
    best_sets = [members for score, members in scored if score == top]
    certain = frozenset.intersection(*best_sets)
    tied = frozenset.union(*best_sets) - certain
    return certain, tied, top


REGIONS = ("andean", "caribbean", "southern_cone")


@st.composite
def elections(draw):
    seats = draw(st.integers(1, 5))
    groups = draw(st.lists(st.sampled_from([("region", r) for r in REGIONS[:2]]
                                           + [("network", "Workers")]),
                           unique=True, max_size=3))
    reservations = []
    left = seats
    for kind, value in groups:
        if left == 0:
            break
        count = draw(st.integers(1, min(2, left)))
        left -= count
        reservations.append(Reservation(kind, value, count))
    rules = SeatRules(seats, tuple(reservations), parity=draw(st.booleans()),
                      unfilled_reserved=draw(st.sampled_from(["vacant", "general"])))
    size = draw(st.integers(0, 6))
    candidates = [
        Candidate(f"c{i}", region=draw(st.sampled_from([*REGIONS, None])),
                  networks=tuple(draw(st.sets(st.sampled_from(["Workers", "Honey"])))),
                  gender=draw(st.sampled_from(["f", "m", None])))
        for i in range(size)
    ]
    votes = {c.key: draw(st.integers(0, 4)) for c in candidates}
    return rules, candidates, votes, draw(st.sampled_from(["rejected", "chair"]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections())
def test_allocation_agrees_with_brute_force(case):
    rules, candidates, votes, tie = case
    allocation = allocate(rules, candidates, votes, tie=tie)
    certain, tied, (reserved_best, filled_best, _votes) = brute_force(rules, candidates, votes)
    assert set(allocation.elected) == certain
    assert set(allocation.tied) == tied
    # every seat listed once, each elected candidate in exactly one seat
    assert [s.number for s in allocation.seats] == list(range(1, rules.seats + 1))
    holders = [s.candidate for s in allocation.seats if s.candidate is not None]
    assert sorted(holders) == sorted(certain)
    by_key = {c.key: c for c in candidates}
    for seat in allocation.seats:
        if seat.candidate is not None and seat.reason != "from_general" and seat.reserved_for:
            assert by_key[seat.candidate].fits(seat.reserved_for)
        if seat.reason == "from_general":
            assert rules.unfilled_reserved == "general"
        if seat.candidate is not None:
            assert seat.weight == votes[seat.candidate]
    # parity holds over the elected
    for gender in ("f", "m"):
        assert sum(by_key[k].gender == gender for k in holders) <= rules.gender_cap
    if not tied:
        # the elected fill exactly what the best seating fills
        assert len(holders) == filled_best
        by_group = sum(1 for s in allocation.seats if s.reserved_for and s.candidate
                       and s.reason != "from_general")
        assert by_group == reserved_best
    else:
        assert sum(s.reason == "tie" for s in allocation.seats) == filled_best - len(certain)
        assert allocation.outcome == ("tie" if tie == "chair" else allocation.outcome)
    if tie == "rejected" or not tied:
        expected = [c.key for c in candidates if c.key in certain]
        assert allocation.outcome == ("elected:" + ",".join(expected) if expected else "none")


def _board():
    """The full-day test's election: 7 seats, one per region and one for the Workers
    Network, parity on. Plain ranking would elect six men of two regions."""
    regions = ("central_america_mexico", "caribbean", "andean", "southern_cone")
    rules = SeatRules(7, tuple(Reservation("region", r) for r in regions)
                      + (Reservation("network", "Workers Network"),), parity=True)
    people = [
        ("ana", "andean", (), "m", 900), ("beto", "andean", (), "m", 850),
        ("carlos", "central_america_mexico", (), "m", 800),
        ("dario", "central_america_mexico", (), "m", 780),
        ("ernesto", "andean", (), "m", 760), ("fabio", "central_america_mexico", (), "m", 700),
        ("gloria", "caribbean", (), "f", 300), ("hugo", "southern_cone", (), "m", 250),
        ("ines", "southern_cone", ("Workers Network",), "f", 200),
        ("juana", "andean", (), "f", 150), ("karen", "caribbean", (), "f", 120),
    ]
    candidates = [Candidate(k, region=r, networks=n, gender=g) for k, r, n, g, _ in people]
    return rules, candidates, {k: v for k, _r, _n, _g, v in people}


def test_reservations_and_parity_change_the_board():
    rules, candidates, votes = _board()
    plain = sorted(votes, key=lambda k: -votes[k])[:7]
    allocation = allocate(rules, candidates, votes)
    assert set(allocation.elected) != set(plain)
    seats = {s.number: s for s in allocation.seats}
    assert seats[1].candidate == "carlos" and seats[1].reason == "top"  # Central America
    assert seats[2].candidate == "gloria" and seats[2].reason == "top"  # Caribbean
    assert seats[3].candidate == "ana" and seats[3].reason == "top"  # Andean
    # Southern Cone: hugo has more votes than ines, but ines is the only Workers candidate
    assert seats[4].candidate == "hugo" and seats[5].candidate == "ines"
    # general seats: beto next by votes; then parity (at most 4 of 7) stops the men at four
    assert seats[6].candidate == "beto" and seats[6].reason == "top"
    assert seats[7].candidate == "juana" and seats[7].reason == "parity"
    assert seats[7].others == ("dario", "ernesto", "fabio")
    assert allocation.outcome == "elected:ana,beto,carlos,gloria,hugo,ines,juana"
    check = brute_force(rules, candidates, votes)
    assert set(allocation.elected) == check[0]


def test_impossible_reservation_is_a_setting_not_a_crash():
    rules = SeatRules(3, (Reservation("region", "caribbean"),), unfilled_reserved="vacant")
    candidates = [Candidate("a", region="andean"), Candidate("b", region="andean"),
                  Candidate("c", region="andean"), Candidate("d", region="andean")]
    votes = {"a": 4, "b": 3, "c": 2, "d": 1}
    vacant = allocate(rules, candidates, votes)
    assert vacant.seats[0].candidate is None and vacant.seats[0].reason == "no_candidate"
    assert vacant.elected == ("a", "b")
    filled = allocate(SeatRules(3, rules.reservations, unfilled_reserved="general"),
                      candidates, votes)
    assert filled.seats[0].reason == "from_general" and filled.seats[0].candidate == "a"
    assert filled.elected == ("a", "b", "c")


def test_tie_at_the_last_seat_follows_the_statutes():
    rules = SeatRules(2)
    candidates = [Candidate("a"), Candidate("b"), Candidate("c")]
    votes = {"a": 5, "b": 3, "c": 3}
    rejected = allocate(rules, candidates, votes, tie="rejected")
    assert rejected.outcome == "elected:a" and rejected.tied == ("b", "c")
    assert rejected.seats[1].reason == "tie" and rejected.seats[1].others == ("b", "c")
    assert allocate(rules, candidates, votes, tie="chair").outcome == "tie"


def test_nobody_electable():
    allocation = allocate(SeatRules(2), [Candidate("a")], {"a": 0})
    assert allocation.outcome == "none"
    assert [s.reason for s in allocation.seats] == ["no_candidate_left"] * 2


@pytest.mark.parametrize("build", [
    lambda: SeatRules(0),
    lambda: SeatRules(2, (Reservation("region", "andean", 3),)),
    lambda: SeatRules(2, (Reservation("region", "andean"), Reservation("region", "andean"))),
    lambda: SeatRules(2, unfilled_reserved="maybe"),
    lambda: Reservation("country", "PE"),
    lambda: Candidate(""),
    lambda: allocate(SeatRules(1), [Candidate("a"), Candidate("a")], {"a": 1}),
    lambda: allocate(SeatRules(1), [Candidate("a")], {"a": -1}),
    lambda: allocate(SeatRules(1), [Candidate("a")], {}),
    lambda: SeatRules.from_dict({"seats": 2}),
])
def test_bad_rules_are_refused_with_a_reason(build):
    with pytest.raises(SeatRulesError):
        build()


def test_rules_round_trip():
    rules, _c, _v = _board()
    assert SeatRules.from_dict(rules.to_dict()) == rules
