"""Schnorr, Chaum–Pedersen and disjunctive proofs with strong Fiat–Shamir
(docs/e2e-protocol.md §4–5): complete, and bound to everything they claim."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots.e2e import elgamal, group
from ballots.e2e.group import L
from ballots.e2e.proofs import (
    prove_equality,
    prove_one_of,
    prove_schnorr,
    verify_equality,
    verify_one_of,
    verify_schnorr,
)
from ballots.e2e.randomness import OsRandomness, SeededRandomness
from ballots.e2e.transcript import ProofContext, challenge, frame, integer

CONTEXT = ProofContext(bytes(32), "org-1", bytes(range(32)))
OTHERS = [
    replace(CONTEXT, fingerprint=bytes([1]) * 32),  # another poll
    replace(CONTEXT, subject="org-2"),  # another voting right
    replace(CONTEXT, subject_key=bytes(32)),  # another voting key
]
RAND = OsRandomness()


def test_frames_make_the_transcript_unambiguous() -> None:
    assert frame(b"ab") == b"\x00\x00\x00\x02ab"
    a = challenge("t", CONTEXT, [b"ab", b"c"], [])
    b = challenge("t", CONTEXT, [b"a", b"bc"], [])
    assert a != b
    assert challenge("t", CONTEXT, [b"x"], [b"y"]) != challenge("u", CONTEXT, [b"x"], [b"y"])
    assert 0 <= a < L


def test_schnorr_proof() -> None:
    x = RAND.scalar()
    proof = prove_schnorr("t", CONTEXT, x, RAND)
    assert verify_schnorr("t", CONTEXT, group.base_mul(x), proof)
    assert not verify_schnorr("t", CONTEXT, group.base_mul(x + 1), proof)
    assert not verify_schnorr("u", CONTEXT, group.base_mul(x), proof)
    for other in OTHERS:
        assert not verify_schnorr("t", other, group.base_mul(x), proof)
    assert not verify_schnorr("t", CONTEXT, group.base_mul(x), replace(proof, s=proof.s + 1))


def test_equality_proof() -> None:
    x, base = RAND.scalar(), group.base_mul(RAND.scalar())
    public, image = group.base_mul(x), group.mul(x, base)
    proof = prove_equality("t", CONTEXT, x, base, [integer(1)], RAND)
    assert verify_equality("t", CONTEXT, public, base, image, [integer(1)], proof)
    assert not verify_equality("t", CONTEXT, public, base, image, [integer(2)], proof)
    assert not verify_equality(
        "t", CONTEXT, public, base, group.add(image, group.GENERATOR), [integer(1)], proof
    )
    for other in OTHERS:
        assert not verify_equality("t", other, public, base, image, [integer(1)], proof)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(st.integers(0, 50), min_size=1, max_size=4, unique=True),
    data=st.data(),
    seed=st.binary(max_size=8),
)
def test_one_of_proof_is_complete_and_specific(
    values: list[int], data: st.DataObject, seed: bytes
) -> None:
    rand = SeededRandomness(seed)
    y = group.base_mul(rand.scalar())
    index = data.draw(st.integers(0, len(values) - 1))
    r = rand.scalar()
    ct = elgamal.encrypt(y, values[index], r)
    proof = prove_one_of("t", CONTEXT, y, ct, values, index, r, [integer(3)], rand)
    assert verify_one_of("t", CONTEXT, y, ct, values, [integer(3)], proof)
    assert not verify_one_of("t", CONTEXT, y, ct, values, [integer(4)], proof)
    for other in OTHERS:
        assert not verify_one_of("t", other, y, ct, values, [integer(3)], proof)
    shifted = elgamal.add(ct, elgamal.public(1))
    assert not verify_one_of("t", CONTEXT, y, shifted, values, [integer(3)], proof)


def test_one_of_refuses_a_value_outside_the_set() -> None:
    """An honest prover cannot prove 2 ∈ {0, 1}: whatever index it claims, the proof fails."""
    y = group.base_mul(RAND.scalar())
    r = RAND.scalar()
    ct = elgamal.encrypt(y, 2, r)
    for index in (0, 1):
        proof = prove_one_of("t", CONTEXT, y, ct, (0, 1), index, r, [], RAND)
        assert not verify_one_of("t", CONTEXT, y, ct, (0, 1), [], proof)


def test_one_of_proof_size_must_match() -> None:
    y = group.base_mul(RAND.scalar())
    r = RAND.scalar()
    ct = elgamal.encrypt(y, 1, r)
    proof = prove_one_of("t", CONTEXT, y, ct, (0, 1), 1, r, [], RAND)
    short = replace(proof, challenges=proof.challenges[:1], responses=proof.responses[:1])
    assert not verify_one_of("t", CONTEXT, y, ct, (0, 1), [], short)
    assert not verify_one_of("t", CONTEXT, y, ct, (0, 1, 2), [], proof)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(m1=st.integers(0, 10**6), m2=st.integers(0, 10**6), k=st.integers(0, 1000))
def test_elgamal_is_additively_homomorphic(m1: int, m2: int, k: int) -> None:
    x = RAND.scalar()
    y = group.base_mul(x)
    a, b = elgamal.encrypt(y, m1, RAND.scalar()), elgamal.encrypt(y, m2, RAND.scalar())
    assert elgamal.decrypt_point(x, elgamal.add(a, b)) == group.base_mul(m1 + m2)
    assert elgamal.decrypt_point(x, elgamal.sub(a, b)) == group.base_mul(m1 - m2)
    assert elgamal.decrypt_point(x, elgamal.scale(k, a)) == group.base_mul(k * m1)
    assert elgamal.decrypt_point(x, elgamal.total([a, b, a])) == group.base_mul(2 * m1 + m2)
