"""The encrypted tally against a naive plaintext recount (docs/e2e-protocol.md §10.1): what
decrypts from the aggregates is what the choices made, weighted, give."""

from __future__ import annotations

from typing import Any

from e2e_seeds import seeded, voting_key
from e2e_vectors import poll_params
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from naive_reference import naive_tally

from ballots.e2e import elgamal
from ballots.e2e.dlog import bounded_dlog
from ballots.e2e.randomness import OsRandomness
from ballots.e2e.tally import encrypted_tally
from ballots.e2e.vote import Voter, choice_ballot, divided_ballot

SECRET = seeded("election").scalar()
KEY = voting_key("tally")
YES_NO = poll_params("yes_no_abstain", ("yes", "no", "abstain"))
MULTI = poll_params("multiple", ("ana", "bruno", "carla", "abstain"), max_choices=2)
DIVIDED = poll_params("single", ("ana", "bruno", "carla"), split=True)


def _decrypt(aggregates: dict[Any, elgamal.Ciphertext], bound: int) -> dict[tuple[int, str], int]:
    return {
        (k.option, k.kind): bounded_dlog(elgamal.decrypt_point(SECRET, c), bound)
        for k, c in aggregates.items()
    }


ballot_lists = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 100)), max_size=9)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    weights=st.lists(st.integers(1, 30), min_size=1, max_size=6),
    cast=ballot_lists,
    revote=st.booleans(),
)
def test_choice_polls_match_the_naive_recount(
    weights: list[int], cast: list[tuple[int, int]], revote: bool
) -> None:
    params = MULTI if revote else YES_NO
    spec = params.spec
    roll = [{"voter": f"org-{i}", "weight": w} for i, w in enumerate(weights)]
    plain, counted = [], {}
    for who, pick in cast:
        voter = f"org-{who}"
        if spec.method == "multiple":
            candidates = ("ana", "bruno", "carla")
            vote: dict[str, Any] = (
                {"choices": ["abstain"]}
                if pick % 7 == 0
                else {"choices": sorted({candidates[pick % 3], candidates[pick // 3 % 3]})}
            )
        else:
            vote = {"choice": spec.options[pick % 3]}
        ballot, _ = choice_ballot(
            Voter(params, params.fingerprint(), voter, KEY), vote, OsRandomness()
        )
        plain.append({"voter": voter, **vote})
        if who < len(weights) and (revote or voter not in counted):
            counted[voter] = (weights[who], [c.ciphertext for c in ballot.choices])
    poll = {"options": list(spec.options), "allow_revote": revote}
    expected, _ = naive_tally(poll, roll, plain)
    totals = _decrypt(
        encrypted_tally(list(counted.values()), len(spec.options), False), sum(weights)
    )
    for j, key in enumerate(spec.options):
        assert [totals[(j, "weight")], totals[(j, "organizations")]] == expected[key]


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    shares=st.lists(
        st.tuples(st.integers(1, 12), st.integers(0, 12), st.integers(0, 12)),
        min_size=1,
        max_size=4,
    )
)
def test_divided_votes_match_the_naive_recount(shares: list[tuple[int, int, int]]) -> None:
    roll, plain, counted = [], [], []
    for i, (weight, a, b) in enumerate(shares):
        a, b = min(a, weight), min(b, weight - min(a, weight))
        split = {"ana": a, "bruno": b, "carla": weight - a - b}
        ballot, _ = divided_ballot(
            Voter(DIVIDED, DIVIDED.fingerprint(), f"org-{i}", KEY), weight, split, OsRandomness()
        )
        roll.append({"voter": f"org-{i}", "weight": weight})
        plain.append({"voter": f"org-{i}", "split": split})
        parts = []
        for part in ballot.parts:
            bits = [bit.ciphertext for bit in part.bits]
            value = bits[-1]
            for bit in reversed(bits[:-1]):
                value = elgamal.add(elgamal.add(value, value), bit)
            parts.append(value)
        counted.append((weight, parts))
    expected, _ = naive_tally(
        {"options": ["ana", "bruno", "carla"], "allow_revote": True}, roll, plain
    )
    totals = _decrypt(encrypted_tally(counted, 3, True), sum(w for w, _, _ in shares))
    assert set(totals) == {(0, "weight"), (1, "weight"), (2, "weight")}
    for j, key in enumerate(("ana", "bruno", "carla")):
        assert totals[(j, "weight")] == expected[key][0]
