"""Counting and deciding polls: the rules of docs/audit.md, case by case."""

from __future__ import annotations

import pytest
from ballots_testkit import make_ballots, make_roll

from ballots.polls import PollSpec, Rules
from ballots.tally import OptionCount, RollEntry, TallyError, attendance, decide, tally


def motion(**rules: object) -> PollSpec:
    return PollSpec("yes_no_abstain", allow_split=True, rules=Rules(**rules))  # type: ignore[arg-type]


def outcome(spec: PollSpec, roll: list[RollEntry], votes: list) -> str:  # type: ignore[type-arg]
    return decide(spec, roll, tally(spec, roll, make_ballots(votes))).outcome


# ---- counting --------------------------------------------------------------------------------


def test_every_option_is_present_even_without_votes() -> None:
    spec = PollSpec("single", ("ana", "beto", "carla"))
    result = tally(spec, make_roll([2, 3]), make_ballots([("v0", {"choice": "ana"})]))
    assert result.per_option == {
        "ana": OptionCount(2, 1),
        "beto": OptionCount(0, 0),
        "carla": OptionCount(0, 0),
    }
    assert (result.cast_weight, result.cast_organizations) == (2, 1)
    assert result.counted_voters == frozenset({"v0"})


def test_first_ballot_counts_unless_revote_is_allowed() -> None:
    roll = make_roll([5])
    votes = make_ballots(
        [("v0", {"choice": "yes"}), ("v0", {"choice": "no"}), ("v0", {"choice": "abstain"})]
    )
    first = tally(PollSpec("yes_no_abstain"), roll, votes)
    last = tally(PollSpec("yes_no_abstain", allow_revote=True), roll, votes)
    assert first.per_option["yes"] == OptionCount(5, 1) and first.per_option["abstain"].weight == 0
    assert last.per_option["abstain"] == OptionCount(5, 1) and last.per_option["yes"].weight == 0
    assert first.cast_weight == last.cast_weight == 5


def test_voters_not_on_the_roll_count_for_nothing() -> None:
    result = tally(
        PollSpec("yes_no_abstain"), make_roll([1]), make_ballots([("intruder", {"choice": "yes"})])
    )
    assert result.per_option["yes"].weight == 0 and result.cast_weight == 0
    assert result.ignored_ballots == 1


def test_choices_give_full_weight_to_each_option_and_split_shares_it() -> None:
    board = PollSpec("multiple", ("ana", "beto", "carla"), max_choices=2)
    result = tally(
        board,
        make_roll([4, 1]),
        make_ballots([("v0", {"choices": ["ana", "beto"]}), ("v1", {"choice": "ana"})]),
    )
    assert result.per_option == {
        "ana": OptionCount(5, 2),
        "beto": OptionCount(4, 1),
        "carla": OptionCount(0, 0),
    }
    assert result.cast_weight == 5
    split = tally(
        motion(),
        make_roll([10]),
        make_ballots([("v0", {"split": {"yes": 7, "no": 3, "abstain": 0}})]),
    )
    assert split.per_option == {
        "yes": OptionCount(7, 1),
        "no": OptionCount(3, 1),
        "abstain": OptionCount(0, 0),
    }


def test_an_invalid_counted_ballot_is_an_error_with_its_seq_and_code() -> None:
    with pytest.raises(TallyError, match="ballot seq 1 of 'v1'") as info:
        tally(
            motion(),
            make_roll([3, 3]),
            make_ballots([("v0", {"choice": "yes"}), ("v1", {"split": {"yes": 2}})]),
        )
    assert (info.value.seq, info.value.code) == (1, "split_sum")


def test_a_voter_twice_on_the_roll_is_an_error() -> None:
    roll = [RollEntry("v0", 1, True), RollEntry("v0", 2, True)]
    with pytest.raises(TallyError, match="appears twice"):
        tally(motion(), roll, [])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"voter": "", "weight": 1, "present": True},
        {"voter": "v", "weight": 0, "present": True},
        {"voter": "v", "weight": True, "present": True},
        {"voter": "v", "weight": 1, "present": 1},
        {"voter": "v", "weight": 1, "present": True, "organization": 5},
    ],
)
def test_roll_entries_are_validated(kwargs: dict) -> None:
    with pytest.raises(TallyError):
        RollEntry(**kwargs)


# ---- quorum and presence -----------------------------------------------------------------------


def test_a_voter_who_cast_a_ballot_counts_as_present() -> None:
    roll = make_roll([4, 6], [False, False])
    seen = attendance(roll, tally(motion(), roll, make_ballots([("v1", {"choice": "no"})])))
    assert (seen.total_weight, seen.present_weight, seen.present_organizations) == (10, 6, 1)


# v0 is big and present; four small organizations are absent: 10/14 of the weight, 1/5 of orgs
QUORUM_ROLL = make_roll([10, 1, 1, 1, 1], [True, False, False, False, False])


@pytest.mark.parametrize(
    ("rules", "met"),
    [
        ({}, True),
        ({"quorum_weight_pct": 50}, True),
        ({"quorum_weight_pct": 71}, True),  # 10/14 = 71.4 %
        ({"quorum_weight_pct": 72}, False),
        ({"quorum_orgs_pct": 20}, True),  # exactly 1/5: "at least"
        ({"quorum_orgs_pct": 21}, False),
        ({"quorum_weight_pct": 50, "quorum_orgs_pct": 50, "quorum_mode": "and"}, False),
        ({"quorum_weight_pct": 50, "quorum_orgs_pct": 50, "quorum_mode": "or"}, True),
        ({"quorum_weight_pct": 80, "quorum_orgs_pct": 50, "quorum_mode": "or"}, False),
    ],
)
def test_quorum_by_weight_and_by_organizations(rules: dict, met: bool) -> None:
    spec = motion(**rules)
    count = tally(spec, QUORUM_ROLL, make_ballots([("v0", {"choice": "yes"})]))
    decision = decide(spec, QUORUM_ROLL, count)
    assert decision.quorum_met is met
    assert decision.outcome == ("adopted" if met else "no_quorum")


# ---- motions (yes / no / abstain) --------------------------------------------------------------


def test_abstentions_counting_flips_the_outcome() -> None:
    roll = make_roll([5, 3, 4])
    votes = [("v0", {"choice": "yes"}), ("v1", {"choice": "no"}), ("v2", {"choice": "abstain"})]
    assert outcome(motion(abstentions_count=False), roll, votes) == "adopted"  # 5 of 8
    assert outcome(motion(abstentions_count=True), roll, votes) == "rejected"  # 5 of 12


def test_double_majority_adopted_by_weight_but_failing_on_organizations() -> None:
    roll = make_roll([10, 1, 1, 1, 1])
    big_yes = [("v0", {"choice": "yes"})] + [(f"v{i}", {"choice": "no"}) for i in range(1, 5)]
    spec = motion(majority="double", double_weight_pct=50, double_orgs_pct=50)
    decision = decide(spec, roll, tally(spec, roll, make_ballots(big_yes)))
    assert decision.outcome == "rejected"  # 10/14 of the weight, but 1/5 of the organizations
    assert (decision.details["base_weight"], decision.details["base_organizations"]) == (14, 5)


def test_double_majority_adopted_by_organizations_but_failing_on_weight() -> None:
    roll = make_roll([10, 1, 1, 1, 1])
    small_yes = [("v0", {"choice": "no"})] + [(f"v{i}", {"choice": "yes"}) for i in range(1, 5)]
    spec = motion(majority="double", double_weight_pct=50, double_orgs_pct=50)
    assert outcome(spec, roll, small_yes) == "rejected"  # 4/5 of organizations, 4/14 of weight
    lenient = motion(majority="double", double_weight_pct=25, double_orgs_pct=50)
    assert outcome(lenient, roll, small_yes) == "adopted"  # 4/14 = 28.6 % >= 25 %


def test_double_majority_thresholds_are_at_least() -> None:
    roll = make_roll([1, 1, 1, 1])
    votes = [
        ("v0", {"choice": "yes"}),
        ("v1", {"choice": "yes"}),
        ("v2", {"choice": "no"}),
        ("v3", {"choice": "no"}),
    ]
    assert (
        outcome(motion(majority="double", double_weight_pct=50, double_orgs_pct=50), roll, votes)
        == "adopted"
    )
    assert (
        outcome(motion(majority="double", double_weight_pct=51, double_orgs_pct=50), roll, votes)
        == "rejected"
    )


@pytest.mark.parametrize(
    ("tie", "expected"),
    [("rejected", "rejected"), ("chair", "tie")],
)
def test_simple_majority_tie(tie: str, expected: str) -> None:
    roll = make_roll([3, 3, 2])
    votes = [("v0", {"choice": "yes"}), ("v1", {"choice": "no"}), ("v2", {"choice": "abstain"})]
    assert outcome(motion(tie=tie), roll, votes) == expected
    # with abstentions in the base, yes must be half of yes + no + abstain to tie
    votes = [
        ("v0", {"choice": "yes"}),
        ("v1", {"choice": "no"}),
        ("v2", {"split": {"yes": 0, "abstain": 2}}),
    ]
    assert outcome(motion(tie=tie, abstentions_count=True), make_roll([4, 2, 2]), votes) == expected


@pytest.mark.parametrize(
    ("majority", "yes", "no", "abstain", "expected"),
    [
        ("simple", 3, 2, 10, "adopted"),
        ("absolute", 3, 2, 10, "rejected"),  # 3 is not more than half of the 15 present
        ("absolute", 8, 2, 5, "adopted"),
        ("two_thirds", 6, 3, 0, "adopted"),  # exactly two thirds
        ("two_thirds", 5, 3, 0, "rejected"),
        ("unanimity", 6, 0, 4, "adopted"),  # abstentions do not break unanimity...
        ("unanimity", 6, 1, 0, "rejected"),
    ],
)
def test_majorities(majority: str, yes: int, no: int, abstain: int, expected: str) -> None:
    # one voter per option, weighing what that option gets; an option with 0 gets no voter
    weights = {"yes": yes, "no": no, "abstain": abstain}
    voting = [(key, w) for key, w in weights.items() if w]
    roll = make_roll([w for _, w in voting])
    votes = [(f"v{i}", {"choice": key}) for i, (key, _) in enumerate(voting)]
    assert outcome(motion(majority=majority), roll, votes) == expected


def test_unanimity_with_abstentions_counted() -> None:
    roll = make_roll([6, 4])
    votes = [("v0", {"choice": "yes"}), ("v1", {"choice": "abstain"})]
    assert outcome(motion(majority="unanimity", abstentions_count=False), roll, votes) == "adopted"
    assert outcome(motion(majority="unanimity", abstentions_count=True), roll, votes) == "rejected"


def test_no_votes_at_all_is_rejected_not_a_tie() -> None:
    assert outcome(motion(tie="chair"), make_roll([1, 1]), []) == "rejected"
    only_abstentions = [("v0", {"choice": "abstain"})]
    assert outcome(motion(tie="chair"), make_roll([1, 1]), only_abstentions) == "rejected"


# ---- elections (single, multiple) --------------------------------------------------------------


def election(method: str, seats: int = 1, **rules: object) -> PollSpec:
    return PollSpec(
        method, ("ana", "beto", "carla", "abstain"), max_choices=seats, rules=Rules(**rules)
    )  # type: ignore[arg-type]


def test_single_simple_is_plurality() -> None:
    roll = make_roll([3, 2, 2, 9])
    votes = [
        ("v0", {"choice": "ana"}),
        ("v1", {"choice": "beto"}),
        ("v2", {"choice": "carla"}),
        ("v3", {"choice": "abstain"}),
    ]
    assert outcome(election("single"), roll, votes) == "elected:ana"  # 3 of 7: plurality suffices
    assert outcome(election("single", majority="absolute"), roll, votes) == "none"
    assert outcome(election("single", majority="two_thirds"), roll, votes) == "none"


@pytest.mark.parametrize(("tie", "expected"), [("rejected", "none"), ("chair", "tie")])
def test_single_tie_for_first(tie: str, expected: str) -> None:
    roll = make_roll([4, 4, 1])
    votes = [("v0", {"choice": "ana"}), ("v1", {"choice": "beto"}), ("v2", {"choice": "carla"})]
    assert outcome(election("single", tie=tie), roll, votes) == expected


def test_single_tie_below_the_winner_does_not_matter() -> None:
    roll = make_roll([5, 2, 2])
    votes = [("v0", {"choice": "ana"}), ("v1", {"choice": "beto"}), ("v2", {"choice": "carla"})]
    assert outcome(election("single", tie="chair"), roll, votes) == "elected:ana"


def test_multiple_elects_the_k_options_with_most_weight_in_option_order() -> None:
    roll = make_roll([5, 4, 1])
    votes = [
        ("v0", {"choices": ["carla", "ana"]}),
        ("v1", {"choices": ["beto"]}),
        ("v2", {"choices": ["ana"]}),
    ]
    # ana 6, carla 5, beto 4
    assert outcome(election("multiple", seats=2), roll, votes) == "elected:ana,carla"


@pytest.mark.parametrize(("tie", "expected"), [("rejected", "elected:ana"), ("chair", "tie")])
def test_multiple_tie_at_the_last_seat(tie: str, expected: str) -> None:
    roll = make_roll([5, 4, 4])
    votes = [
        ("v0", {"choices": ["ana"]}),
        ("v1", {"choices": ["beto"]}),
        ("v2", {"choices": ["carla"]}),
    ]
    spec = election("multiple", seats=2, tie=tie)
    decision = decide(spec, roll, tally(spec, roll, make_ballots(votes)))
    assert decision.outcome == expected
    assert decision.details["tied"] == ["beto", "carla"]


def test_multiple_tie_that_fits_the_seats_elects_all() -> None:
    roll = make_roll([5, 4, 4])
    votes = [
        ("v0", {"choices": ["ana"]}),
        ("v1", {"choices": ["beto"]}),
        ("v2", {"choices": ["carla"]}),
    ]
    assert (
        outcome(election("multiple", seats=3, tie="chair"), roll, votes) == "elected:ana,beto,carla"
    )


def test_options_without_votes_are_never_elected() -> None:
    roll = make_roll([5])
    assert (
        outcome(election("multiple", seats=3), roll, [("v0", {"choices": ["beto"]})])
        == "elected:beto"
    )
    assert outcome(election("single"), roll, []) == "none"
    assert outcome(election("single"), roll, [("v0", {"choice": "abstain"})]) == "none"


def test_abstain_is_never_elected() -> None:
    roll = make_roll([9, 1])
    votes = [("v0", {"choice": "abstain"}), ("v1", {"choice": "beto"})]
    assert outcome(election("single"), roll, votes) == "elected:beto"


def test_election_double_majority_per_candidate() -> None:
    roll = make_roll([10, 1, 1, 1])
    votes = [
        ("v0", {"choice": "ana"}),
        ("v1", {"choice": "beto"}),
        ("v2", {"choice": "beto"}),
        ("v3", {"choice": "beto"}),
    ]
    spec = election("single", majority="double", double_weight_pct=50, double_orgs_pct=50)
    assert outcome(spec, roll, votes) == "none"  # ana has the weight, beto the organizations
