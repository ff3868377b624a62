"""Weighting schemes (DESIGN.md "Weighting scheme")."""

from __future__ import annotations

from math import isqrt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.weights import Band, Weighting, WeightingError, weight_of

EXAMPLE_BANDS = Weighting("bands", (Band(0, 1), Band(51, 2), Band(501, 3)))


@pytest.mark.parametrize(
    ("weighting", "members", "expected"),
    [
        (Weighting("equal"), 0, 1),
        (Weighting("equal"), 5000, 1),
        (Weighting("members"), 0, 1),
        (Weighting("members"), 1, 1),
        (Weighting("members"), 250, 250),
        (Weighting("sqrt"), 0, 1),
        (Weighting("sqrt"), 3, 1),
        (Weighting("sqrt"), 99, 9),
        (Weighting("sqrt"), 100, 10),
        (Weighting("sqrt", max_weight=5), 100, 5),
        (Weighting("members", max_weight=40), 250, 40),
        # DESIGN.md's own example: 0 → 1, 51 → 2, 501 → 3
        (EXAMPLE_BANDS, 0, 1),
        (EXAMPLE_BANDS, 50, 1),
        (EXAMPLE_BANDS, 51, 2),
        (EXAMPLE_BANDS, 500, 2),
        (EXAMPLE_BANDS, 501, 3),
        (EXAMPLE_BANDS, 10**9, 3),
        (Weighting("bands", (Band(100, 4),)), 10, 1),  # no band applies → 1
        (Weighting("bands", (Band(100, 4),), max_weight=2), 150, 2),
    ],
)
def test_weight_of_examples(weighting: Weighting, members: int, expected: int) -> None:
    assert weight_of(members, weighting) == expected


def test_sqrt_is_exact_for_huge_numbers() -> None:
    # a float sqrt would be off by one here; isqrt is exact
    assert weight_of((10**8 + 1) ** 2 - 1, Weighting("sqrt")) == 10**8


def test_bands_are_sorted_whatever_the_input_order() -> None:
    shuffled = Weighting("bands", (Band(501, 3), Band(0, 1), Band(51, 2)))
    assert shuffled == EXAMPLE_BANDS
    assert [b.min_members for b in shuffled.bands] == [0, 51, 501]


def test_dict_round_trip() -> None:
    d = {
        "scheme": "bands",
        "bands": [{"min_members": 0, "weight": 1}, {"min_members": 51, "weight": 2}],
        "max_weight": 2,
    }
    w = Weighting.from_dict(d)
    assert w.to_dict() == d
    assert Weighting.from_dict({"scheme": "equal"}).to_dict() == {
        "scheme": "equal",
        "bands": [],
        "max_weight": None,
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"scheme": "cubic"}, "unknown weighting scheme 'cubic'"),
        ({}, "weighting.scheme is required"),
        ({"scheme": "bands"}, "needs at least one band"),
        ({"scheme": "bands", "bands": []}, "needs at least one band"),
        (
            {"scheme": "equal", "bands": [{"min_members": 0, "weight": 1}]},
            "only apply to scheme 'bands'",
        ),
        (
            {"scheme": "bands", "bands": [{"min_members": -1, "weight": 1}]},
            "min_members must be an integer >= 0",
        ),
        (
            {"scheme": "bands", "bands": [{"min_members": 0, "weight": 0}]},
            "weight must be an integer >= 1",
        ),
        (
            {"scheme": "bands", "bands": [{"min_members": 0, "weight": -2}]},
            "weight must be an integer >= 1",
        ),
        (
            {
                "scheme": "bands",
                "bands": [{"min_members": 5, "weight": 1}, {"min_members": 5, "weight": 2}],
            },
            "duplicate band for min_members 5",
        ),
        ({"scheme": "bands", "bands": [{"min_members": 0}]}, "exactly min_members and weight"),
        ({"scheme": "bands", "bands": [{"min_members": 0, "weight": 1.5}]}, "must be integers"),
        ({"scheme": "bands", "bands": [{"min_members": 0, "weight": True}]}, "must be integers"),
        ({"scheme": "sqrt", "max_weight": 0}, "max_weight must be an integer >= 1"),
        ({"scheme": "sqrt", "max_weight": -3}, "max_weight must be an integer >= 1"),
        ({"scheme": "sqrt", "max_weight": "7"}, "max_weight must be an integer >= 1"),
        ({"scheme": "sqrt", "cap": 7}, "unknown weighting field(s): cap"),
        ({"scheme": 3}, "scheme must be a string"),
    ],
)
def test_invalid_weightings_are_rejected_clearly(data: dict, message: str) -> None:
    with pytest.raises(WeightingError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Weighting.from_dict(data)


def test_negative_member_count_is_rejected() -> None:
    with pytest.raises(WeightingError, match="member count"):
        weight_of(-1, Weighting("equal"))
    with pytest.raises(WeightingError, match="member count"):
        weight_of(True, Weighting("equal"))  # type: ignore[arg-type]


def test_weighting_error_is_a_value_error() -> None:
    assert issubclass(WeightingError, ValueError)


bands_strategy = st.lists(
    st.tuples(st.integers(0, 10_000), st.integers(1, 50)),
    min_size=1,
    max_size=6,
    unique_by=lambda t: t[0],
).map(lambda pairs: tuple(Band(m, w) for m, w in pairs))
weightings = st.one_of(
    st.builds(
        Weighting,
        st.sampled_from(["equal", "members", "sqrt"]),
        st.just(()),
        st.none() | st.integers(1, 100),
    ),
    st.builds(Weighting, st.just("bands"), bands_strategy, st.none() | st.integers(1, 100)),
)


def _reference(members: int, w: Weighting) -> int:
    if w.scheme == "equal":
        weight = 1
    elif w.scheme == "members":
        weight = members if members > 0 else 1
    elif w.scheme == "sqrt":
        root = 0
        while (root + 1) * (root + 1) <= members:
            root += 1
        weight = root if root > 0 else 1
    else:
        applicable = [b for b in w.bands if b.min_members <= members]
        weight = max(applicable, key=lambda b: b.min_members).weight if applicable else 1
    return weight if w.max_weight is None else min(weight, w.max_weight)


@settings(max_examples=300, deadline=None)
@given(members=st.integers(0, 5_000), weighting=weightings)
def test_weight_matches_a_naive_reading_of_the_rule(members: int, weighting: Weighting) -> None:
    assert weight_of(members, weighting) == _reference(members, weighting)


@settings(max_examples=200, deadline=None)
@given(members=st.integers(0, 10**12), weighting=weightings)
def test_weight_is_a_positive_capped_integer(members: int, weighting: Weighting) -> None:
    weight = weight_of(members, weighting)
    assert type(weight) is int and weight >= 1
    if weighting.max_weight is not None:
        assert weight <= weighting.max_weight
    if weighting.scheme == "sqrt" and weighting.max_weight is None:
        assert weight == max(1, isqrt(members))


@settings(max_examples=200, deadline=None)
@given(a=st.integers(0, 10**6), b=st.integers(0, 10**6), weighting=weightings)
def test_more_members_never_means_less_weight(a: int, b: int, weighting: Weighting) -> None:
    low, high = sorted((a, b))
    if weighting.scheme == "bands":
        # bands need not be monotonic: statutes may define any table
        return
    assert weight_of(low, weighting) <= weight_of(high, weighting)


@settings(max_examples=200, deadline=None)
@given(weighting=weightings)
def test_from_dict_inverts_to_dict(weighting: Weighting) -> None:
    assert Weighting.from_dict(weighting.to_dict()) == weighting
