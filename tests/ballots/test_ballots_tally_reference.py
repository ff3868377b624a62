"""`tally` and `decide` against the naive reference (tests/ballots/naive_reference.py).

Hypothesis explores small, tie-prone polls; the bulk test pushes at least 1,000,000
ballot positions (options named on ballots) through both implementations. Set
ASAMBLEA_PROPERTY_SCALE=10 for 10,000,000 positions (and 10x the hypothesis examples).
"""

from __future__ import annotations

import os
import random
import time
from typing import Any

from ballots_testkit import make_ballots, polls, random_poll
from hypothesis import HealthCheck, given, settings
from naive_reference import naive_decide_counted, naive_tally

from ballots.polls import PollSpec
from ballots.tally import RollEntry, decide, tally

SCALE = max(1, int(os.environ.get("ASAMBLEA_PROPERTY_SCALE", "1")))


def _plain(spec: PollSpec, roll: list[RollEntry], votes: list[tuple[str, dict[str, Any]]]):  # type: ignore[no-untyped-def]
    poll = spec.to_dict()
    plain_roll = [{"voter": e.voter, "weight": e.weight, "present": e.present} for e in roll]
    plain_ballots = [{"voter": voter, **vote} for voter, vote in votes]
    return poll, plain_roll, plain_ballots


def _compare(spec: PollSpec, roll: list[RollEntry], votes: list[tuple[str, dict[str, Any]]]) -> str:
    count = tally(spec, roll, make_ballots(votes))
    decision = decide(spec, roll, count)
    poll, plain_roll, plain_ballots = _plain(spec, roll, votes)
    per_option, counted = naive_tally(poll, plain_roll, plain_ballots)
    assert {k: [c.weight, c.organizations] for k, c in count.per_option.items()} == per_option
    assert count.cast_organizations == len(counted)
    assert count.cast_weight == sum(e.weight for e in roll if e.voter in counted)
    assert count.counted_voters == set(counted)
    assert (decision.quorum_met, decision.outcome) == naive_decide_counted(
        poll, plain_roll, per_option, counted
    )
    return decision.outcome


@settings(
    max_examples=600 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(poll=polls())
def test_tally_and_decide_agree_with_the_naive_reference(poll) -> None:  # type: ignore[no-untyped-def]
    _compare(*poll)


@settings(
    max_examples=100 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(poll=polls(max_voters=30, max_ballots=60))
def test_agreement_on_larger_polls(poll) -> None:  # type: ignore[no-untyped-def]
    _compare(*poll)


def _positions(votes: list[tuple[str, dict[str, Any]]]) -> int:
    total = 0
    for _, vote in votes:
        if "choice" in vote:
            total += 1
        elif "choices" in vote:
            total += len(vote["choices"])
        else:
            total += sum(1 for units in vote["split"].values() if units > 0)
    return total


def test_bulk_million_positions_agree_with_the_reference() -> None:
    target = 1_000_000 * SCALE
    rng = random.Random(20240514)
    positions = polls_run = 0
    outcomes: set[str] = set()
    start = time.perf_counter()
    while positions < target:
        # a few big polls (tally at scale) and many small ones (outcomes of every kind)
        big = polls_run % 10 == 0
        spec, roll, votes = random_poll(
            rng,
            voters=rng.randint(2_000, 20_000) if big else rng.randint(1, 40),
            ballots=rng.randint(20_000, 60_000) if big else rng.randint(0, 80),
            off_roll=50,
        )
        outcomes.add(_compare(spec, roll, votes).split(":")[0])
        positions += _positions(votes)
        polls_run += 1
    elapsed = time.perf_counter() - start
    print(
        f"\n{positions:,} ballot positions in {polls_run} polls, {elapsed:.1f} s; "
        f"outcomes {sorted(outcomes)}"
    )
    assert positions >= target
    assert {"adopted", "rejected", "elected", "none", "no_quorum"} <= outcomes
