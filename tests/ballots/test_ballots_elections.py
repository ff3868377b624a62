"""A board election in a signed result: built, verified offline, and every tampering caught."""

from __future__ import annotations

import json

from ballots_testkit import build_poll, make_roll

from ballots.bundle import Bundle
from ballots.canonical import canonical_json
from ballots.elections import Election, decide_election
from ballots.polls import PollSpec, Rules
from ballots.seat_rules import Candidate, Reservation, SeatRules
from ballots.signing import sign
from ballots.tally import decide, tally
from ballots.verify import verify_bundle

# Two regions reserved one seat each, three seats, parity on. By plain ranking the three
# Andean men would be elected; the reservations seat the Caribbean's candidate, and parity
# the only woman with votes (two of three seats at most for one gender).
CANDIDATES = (
    Candidate("ana", "andean", (), "m"),
    Candidate("beto", "andean", (), "m"),
    Candidate("ciro", "andean", (), "m"),
    Candidate("dora", "andean", ("Workers Network",), "f"),
    Candidate("eloy", "caribbean", (), "m"),
)
ELECTION = Election(
    SeatRules(3, (Reservation("region", "andean"), Reservation("region", "caribbean")),
              parity=True),
    CANDIDATES,
)
SPEC = PollSpec("multiple", tuple(c.key for c in CANDIDATES), max_choices=3,
                rules=Rules(quorum_weight_pct=50))
VOTES = [
    ("v0", {"choices": ["ana", "beto", "ciro"]}),
    ("v1", {"choices": ["ana"]}),
    ("v2", {"choices": ["eloy", "dora"]}),
    ("v3", {"choices": ["ciro"]}),
]
WEIGHTS = [10, 8, 3, 2]


def _built():
    return build_poll(SPEC, make_roll(WEIGHTS), VOTES, election=ELECTION)


def _files_with(built, result):
    result_json = canonical_json(result)
    return Bundle(result_json=result_json, signature=sign(built.key, result_json),
                  public_key_pem=built.files["public_key_pem"],
                  roll_jsonl=built.files["roll_jsonl"],
                  ballots_jsonl=built.files["ballots_jsonl"])


def test_the_reservations_change_the_outcome():
    roll = make_roll(WEIGHTS)
    count = tally(SPEC, roll, _built().ballots)
    assert decide(SPEC, roll, count).outcome == "elected:ana,beto,ciro"
    decision, allocation = decide_election(SPEC, roll, count, ELECTION)
    assert decision.outcome == "elected:ana,dora,eloy"
    reasons = [(s.number, s.candidate, s.reason, s.others) for s in allocation.seats]
    assert reasons == [
        (1, "ana", "top", ()),
        (2, "eloy", "top", ()),
        (3, "dora", "parity", ("beto", "ciro")),
    ]


def test_the_signed_election_verifies():
    built = _built()
    assert built.result["outcome"] == "elected:ana,dora,eloy"
    assert [s["candidate"] for s in built.result["election"]["seats"]] == ["ana", "eloy", "dora"]
    report = verify_bundle(_files_with(built, built.result))
    assert report.ok, report.failed
    assert report.check("seats").ok


def test_a_seat_given_to_another_candidate_is_caught():
    built = _built()
    result = json.loads(json.dumps(built.result))
    result["election"]["seats"][2]["candidate"] = "beto"
    report = verify_bundle(_files_with(built, result))
    assert [c.name for c in report.failed] == ["seats"]
    assert "seat 3" in report.check("seats").reason


def test_plain_ranking_claimed_as_the_outcome_is_caught():
    built = _built()
    result = json.loads(json.dumps(built.result))
    result["outcome"] = "elected:ana,beto,ciro"
    report = verify_bundle(_files_with(built, result))
    assert [c.name for c in report.failed] == ["outcome"]


def test_rules_changed_after_the_fact_are_caught():
    built = _built()
    result = json.loads(json.dumps(built.result))
    result["election"]["rules"]["parity"] = False  # the seats no longer follow
    report = verify_bundle(_files_with(built, result))
    assert {c.name for c in report.failed} == {"seats", "outcome"}


def test_a_malformed_election_section_is_reported_not_raised():
    built = _built()
    result = json.loads(json.dumps(built.result))
    del result["election"]["candidates"]["eloy"]
    report = verify_bundle(_files_with(built, result))
    assert not report.ok
    assert "election" in report.check("result_format").reason
    assert not report.check("seats").ok


def test_no_quorum_elects_nobody_and_lists_no_seats():
    roll = make_roll(WEIGHTS, [False, False, False, False])
    built = build_poll(SPEC, roll, [], election=ELECTION)
    assert built.result["outcome"] == "no_quorum"
    assert built.result["election"]["seats"] == []
    assert verify_bundle(_files_with(built, built.result)).ok
