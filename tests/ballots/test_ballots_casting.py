"""Ballot validation (API.md castBallot) and its reason codes."""

from __future__ import annotations

import pytest
from ballots_testkit import specs, votes_for
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.casting import CODES, BallotRejected, Vote, validate_choice
from ballots.polls import PollSpec

MOTION = PollSpec("yes_no_abstain", allow_split=True)
MOTION_NO_SPLIT = PollSpec("yes_no_abstain")
SINGLE = PollSpec("single", ("ana", "beto", "abstain"))
BOARD = PollSpec("multiple", ("ana", "beto", "carla", "dora", "abstain"), max_choices=2)


def test_choice() -> None:
    vote = validate_choice(MOTION_NO_SPLIT, 3, {"choice": "yes"})
    assert vote == Vote("choice", ("yes",))
    assert vote.to_dict() == {"choice": "yes"}
    assert vote.allocation(3) == (("yes", 3),)


def test_choices_keep_the_voters_order() -> None:
    vote = validate_choice(BOARD, 4, {"choices": ["carla", "ana"]})
    assert vote.to_dict() == {"choices": ["carla", "ana"]}
    assert vote.allocation(4) == (("carla", 4), ("ana", 4))
    assert validate_choice(BOARD, 4, {"choice": "dora"}).to_dict() == {"choice": "dora"}
    assert validate_choice(BOARD, 4, {"choices": ["abstain"]}).allocation(4) == (("abstain", 4),)


def test_split() -> None:
    vote = validate_choice(MOTION, 10, {"split": {"yes": 6, "no": 0, "abstain": 4}})
    assert vote.to_dict() == {"split": {"yes": 6, "no": 0, "abstain": 4}}
    assert vote.allocation(10) == (("yes", 6), ("abstain", 4))  # zero units name nobody
    assert validate_choice(MOTION, 10, {"split": {"no": 10}}).allocation(10) == (("no", 10),)


def test_other_payload_keys_are_not_looked_at() -> None:
    line = {"seq": 4, "voter": "v1", "cast_at": "2024-05-14T14:01:00Z", "choice": "no"}
    assert validate_choice(MOTION, 2, line).to_dict() == {"choice": "no"}


@pytest.mark.parametrize(
    ("spec", "weight", "payload", "code", "message"),
    [
        (MOTION, 1, {"choice": "maybe"}, "not_an_option", "'maybe' is not an option"),
        (SINGLE, 1, {"choice": "yes"}, "not_an_option", "'yes' is not an option"),
        (BOARD, 1, {"choices": ["ana", "zoe"]}, "not_an_option", "'zoe'"),
        (MOTION, 5, {"split": {"yes": 3, "maybe": 2}}, "not_an_option", "'maybe'"),
        (
            BOARD,
            1,
            {"choices": ["ana", "beto", "carla"]},
            "too_many_choices",
            "3 choices, at most 2",
        ),
        (MOTION, 1, {}, "no_choice", "no choice"),
        (MOTION, 1, {"organization_id": 7}, "no_choice", "no choice"),
        (BOARD, 1, {"choices": []}, "no_choice", "empty"),
        (MOTION, 1, {"split": {}}, "no_choice", "empty"),
        (MOTION_NO_SPLIT, 2, {"split": {"yes": 2}}, "split_not_allowed", "does not allow split"),
        (BOARD, 2, {"split": {"ana": 2}}, "split_not_allowed", "does not allow split"),
        (MOTION, 5, {"split": {"yes": 3, "no": 1}}, "split_sum", "sum to 4, the weight is 5"),
        (MOTION, 5, {"split": {"yes": 6, "no": -1}}, "split_sum", "negative"),
        (MOTION, 5, {"split": {"yes": 3.5, "no": 1.5}}, "malformed", "must be an integer"),
        (MOTION, 5, {"split": {"yes": True, "no": 4}}, "malformed", "must be an integer"),
        (MOTION, 5, {"split": [["yes", 5]]}, "malformed", "split must be an object"),
        (MOTION, 1, {"choice": "yes", "split": {"yes": 1}}, "malformed", "both choice and split"),
        (MOTION, 1, {"choice": ["yes"]}, "malformed", "choice must be an option key"),
        (MOTION, 1, {"choices": ["yes"]}, "malformed", "takes 'choice', not 'choices'"),
        (SINGLE, 1, {"choices": ["ana"]}, "malformed", "takes 'choice', not 'choices'"),
        (BOARD, 1, {"choices": ["ana", "ana"]}, "malformed", "twice"),
        (BOARD, 1, {"choices": ["ana", "abstain"]}, "malformed", "abstain cannot be combined"),
        (BOARD, 1, {"choices": "ana"}, "malformed", "must be a list"),
        (BOARD, 1, {"choices": [1]}, "malformed", "must be a string"),
        (MOTION, 1, ["yes"], "malformed", "must be an object"),
    ],
)
def test_rejections_carry_a_code_and_a_reason(spec, weight, payload, code, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BallotRejected, match=message) as info:
        validate_choice(spec, weight, payload)
    assert info.value.code == code
    assert info.value.code in CODES
    assert info.value.message == str(info.value)


def test_weight_must_be_positive() -> None:
    with pytest.raises(ValueError, match="weight"):
        validate_choice(MOTION, 0, {"choice": "yes"})


@settings(max_examples=300, deadline=None)
@given(data=st.data(), spec=specs(), weight=st.integers(1, 12))
def test_generated_valid_ballots_validate_and_round_trip(
    data: st.DataObject, spec: PollSpec, weight: int
) -> None:
    payload = data.draw(votes_for(spec, weight))
    vote = validate_choice(spec, weight, payload)
    assert vote.to_dict() == payload
    assert validate_choice(spec, weight, vote.to_dict()) == vote
    allocation = vote.allocation(weight)
    assert allocation and all(units > 0 for _, units in allocation)
    if vote.kind == "split":
        assert sum(units for _, units in allocation) == weight
    else:
        assert all(units == weight for _, units in allocation)
