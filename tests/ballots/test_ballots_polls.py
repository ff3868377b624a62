"""Poll definitions and decision rules: validation and the result.json dict form."""

from __future__ import annotations

import pytest
from ballots_testkit import specs
from hypothesis import given, settings

from ballots.polls import PollSpec, PollSpecError, Rules


def test_defaults() -> None:
    spec = PollSpec("yes_no_abstain")
    assert spec.options == ("yes", "no", "abstain")
    assert spec.max_choices == 1
    assert not (spec.allow_split or spec.allow_revote or spec.secret)
    assert spec.rules == Rules()
    assert spec.rules.to_dict() == {
        "majority": "simple",
        "double_weight_pct": 0,
        "double_orgs_pct": 0,
        "abstentions_count": False,
        "quorum_weight_pct": 0,
        "quorum_orgs_pct": 0,
        "quorum_mode": "and",
        "tie": "rejected",
    }


def test_to_dict_has_every_field_and_round_trips() -> None:
    spec = PollSpec(
        "multiple",
        ("ana", "beto", "carla", "abstain"),
        max_choices=2,
        allow_revote=True,
        rules=Rules(
            majority="double", double_weight_pct=50, double_orgs_pct=60, quorum_orgs_pct=50
        ),
    )
    d = spec.to_dict()
    assert d == {
        "method": "multiple",
        "options": ["ana", "beto", "carla", "abstain"],
        "max_choices": 2,
        "allow_split": False,
        "allow_revote": True,
        "secret": False,
        "rules": {
            "majority": "double",
            "double_weight_pct": 50,
            "double_orgs_pct": 60,
            "abstentions_count": False,
            "quorum_weight_pct": 0,
            "quorum_orgs_pct": 50,
            "quorum_mode": "and",
            "tie": "rejected",
        },
    }
    assert PollSpec.from_dict(d) == spec
    assert spec.candidates == ("ana", "beto", "carla")


def test_from_dict_fills_defaults() -> None:
    assert PollSpec.from_dict({"method": "yes_no_abstain"}) == PollSpec("yes_no_abstain")
    assert (
        PollSpec.from_dict(
            {"method": "single", "options": ["a", "b"], "rules": {"tie": "chair"}}
        ).rules.tie
        == "chair"
    )


@settings(max_examples=200, deadline=None)
@given(spec=specs())
def test_any_valid_spec_round_trips(spec: PollSpec) -> None:
    assert PollSpec.from_dict(spec.to_dict()) == spec


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "ranked"}, "unknown method 'ranked'"),
        (
            {"method": "yes_no_abstain", "options": ("yes", "no")},
            "exactly the options yes, no, abstain",
        ),
        ({"method": "single", "options": ("a",)}, "at least two options"),
        ({"method": "single", "options": ("a", "abstain")}, "at least two options"),
        ({"method": "multiple", "options": ("abstain",)}, "at least one option"),
        ({"method": "single", "options": ("a", "a")}, "unique"),
        ({"method": "single", "options": ("a", "B")}, "option key 'B'"),
        ({"method": "single", "options": ("a", "with space")}, "option key 'with space'"),
        ({"method": "single", "options": ("a", "")}, "option key ''"),
        ({"method": "single", "options": ("a", "x" * 33)}, "1 to 32 characters"),
        ({"method": "single", "options": ("a", 3)}, "option key 3"),
        ({"method": "single", "options": "ab"}, "options must be a list"),
        ({"method": "single", "options": ("a", "b"), "max_choices": 2}, "max_choices must be 1"),
        ({"method": "multiple", "options": ("a", "b"), "max_choices": 0}, "between 1 and 2"),
        (
            {"method": "multiple", "options": ("a", "b", "abstain"), "max_choices": 3},
            "between 1 and 2",
        ),
        (
            {"method": "multiple", "options": ("a", "b"), "max_choices": 1, "allow_split": True},
            "split votes are only",
        ),
        (
            {"method": "single", "options": ("a", "b"), "allow_revote": 1},
            "allow_revote must be true or false",
        ),
    ],
)
def test_invalid_specs_are_rejected_clearly(kwargs: dict, message: str) -> None:
    with pytest.raises(PollSpecError, match=message):
        PollSpec(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"majority": "plurality"}, "unknown majority 'plurality'"),
        ({"quorum_weight_pct": 101}, "quorum_weight_pct must be an integer percent"),
        ({"quorum_orgs_pct": -1}, "quorum_orgs_pct must be an integer percent"),
        ({"quorum_orgs_pct": 50.0}, "quorum_orgs_pct must be an integer percent"),
        ({"double_weight_pct": True}, "double_weight_pct must be an integer percent"),
        ({"majority": "double"}, "needs double_weight_pct and double_orgs_pct in 1..100"),
        ({"majority": "double", "double_weight_pct": 50}, "needs double_weight_pct"),
        ({"quorum_mode": "xor"}, "quorum_mode must be 'and' or 'or'"),
        ({"tie": "coin"}, "tie must be 'rejected' or 'chair'"),
        ({"abstentions_count": "yes"}, "abstentions_count must be true or false"),
    ],
)
def test_invalid_rules_are_rejected_clearly(kwargs: dict, message: str) -> None:
    with pytest.raises(PollSpecError, match=message):
        Rules(**kwargs)


def test_unknown_fields_are_rejected() -> None:
    with pytest.raises(PollSpecError, match="unknown poll field"):
        PollSpec.from_dict({"method": "yes_no_abstain", "quorum": 50})
    with pytest.raises(PollSpecError, match="unknown rules field"):
        PollSpec.from_dict(
            {"method": "yes_no_abstain", "rules": {"majority": "simple", "threshold": 3}}
        )
    with pytest.raises(PollSpecError, match="poll.method is required"):
        PollSpec.from_dict({})
    with pytest.raises(PollSpecError, match="rules must be an object"):
        PollSpec.from_dict({"method": "yes_no_abstain", "rules": []})


def test_poll_spec_error_is_a_value_error() -> None:
    assert issubclass(PollSpecError, ValueError)
