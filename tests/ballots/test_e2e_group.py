"""ristretto255 through libsodium, and the canonical text forms (docs/e2e-protocol.md §1–2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots.e2e import group
from ballots.e2e.encoding import EncodingError, decode_point, decode_scalar, point_hex, scalar_hex
from ballots.e2e.group import IDENTITY, L

RFC = json.loads((Path(__file__).parent / "e2e_vectors" / "ristretto255.json").read_text())
scalars = st.integers(min_value=0, max_value=L - 1)


def test_rfc9496_multiples_of_the_generator() -> None:
    for k, encoding in enumerate(RFC["multiples"]):
        assert group.base_mul(k).hex() == encoding
        assert group.mul(k, group.GENERATOR).hex() == encoding
        assert decode_point(encoding, "p", allow_identity=True) == group.base_mul(k)


@pytest.mark.parametrize("encoding", RFC["invalid"])
def test_rfc9496_invalid_encodings_are_refused(encoding: str) -> None:
    assert not group.is_valid_encoding(bytes.fromhex(encoding))
    with pytest.raises(EncodingError, match="not a canonical ristretto255 encoding"):
        decode_point(encoding, "p")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("00" * 32, "identity"),
        (RFC["multiples"][1].upper(), "lower-case hex"),
        (RFC["multiples"][1][:-2], "lower-case hex"),
        (RFC["multiples"][1] + "00", "lower-case hex"),
        (" " + RFC["multiples"][1][1:], "lower-case hex"),
        (12, "lower-case hex"),
    ],
)
def test_points_decode_from_canonical_text_only(text: object, message: str) -> None:
    with pytest.raises(EncodingError, match=message):
        decode_point(text, "p")


def test_the_identity_decodes_only_where_allowed() -> None:
    assert decode_point("00" * 32, "p", allow_identity=True) == IDENTITY


def test_scalars_must_be_reduced() -> None:
    assert decode_scalar(scalar_hex(L - 1), "s") == L - 1
    with pytest.raises(EncodingError, match="not reduced"):
        decode_scalar(L.to_bytes(32, "little").hex(), "s")
    with pytest.raises(EncodingError, match="lower-case"):
        decode_scalar(scalar_hex(L - 1).upper(), "s")
    with pytest.raises(EncodingError):
        scalar_hex(L)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=scalars, b=scalars)
def test_group_laws_match_scalar_arithmetic(a: int, b: int) -> None:
    pa, pb = group.base_mul(a), group.base_mul(b)
    assert group.add(pa, pb) == group.base_mul(a + b)
    assert group.sub(pa, pb) == group.base_mul(a - b)
    assert group.mul(b, pa) == group.base_mul(a * b)
    assert group.add(pa, group.neg(pa)) == IDENTITY
    assert decode_point(point_hex(pa), "p", allow_identity=True) == pa


def test_multiplying_by_the_order_gives_the_identity() -> None:
    assert group.mul(L, group.GENERATOR) == IDENTITY
    assert group.base_mul(L + 3) == group.base_mul(3)


def test_wide_reduction_and_inverse() -> None:
    assert group.wide_reduce(L.to_bytes(64, "little")) == 0
    assert group.wide_reduce((L + 5).to_bytes(64, "little")) == 5
    assert group.inverse(7) * 7 % L == 1
    with pytest.raises(ValueError):
        group.inverse(L)
    with pytest.raises(ValueError):
        group.wide_reduce(bytes(32))
