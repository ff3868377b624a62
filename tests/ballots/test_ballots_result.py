"""The result object (result.json), roll lines, ballot lines and receipts (API.md §3)."""

from __future__ import annotations

import json

import pytest
import rfc8785
from ballots_testkit import build_poll, make_ballots, make_roll
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.canonical import canonical_json, sha256_hex
from ballots.ledger import inclusion_proof, leaf_hash, root, verify_inclusion
from ballots.polls import PollSpec, Rules
from ballots.result import (
    FORMAT,
    RESULT_FIELDS,
    ResultError,
    ballot_line,
    build_result,
    jsonl,
    ledger_root,
    receipt,
    roll_lines,
)
from ballots.tally import RollEntry

SPEC = PollSpec("yes_no_abstain", allow_revote=True, rules=Rules(quorum_weight_pct=50))


def _poll():  # type: ignore[no-untyped-def]
    roll = make_roll([3, 2, 4, 1], [True, True, False, False])
    votes = [
        ("v0", {"choice": "no"}),
        ("v1", {"choice": "no"}),
        ("v0", {"choice": "yes"}),
        ("v3", {"choice": "abstain"}),
    ]
    return build_poll(SPEC, roll, votes)


def test_result_has_exactly_the_documented_fields() -> None:
    result = _poll().result
    assert tuple(result) == RESULT_FIELDS
    assert result["format"] == FORMAT == "asamblea.result/1"
    assert result["poll"] == {
        "id": 42,
        "title": "Moción GA-2024-03: plan estratégico",
        **SPEC.to_dict(),
    }
    assert (
        result["poll"]["allow_revote"] is True
        and result["poll"]["rules"]["quorum_weight_pct"] == 50
    )
    assert set(result["roll"]) == {
        "sha256",
        "total_weight",
        "voting_rights",
        "present_weight",
        "present_organizations",
    }
    assert set(result["ledger"]) == {"tree_size", "root"}
    assert set(result["cast"]) == {"weight", "organizations"}
    assert set(result["signing_key"]) == {"sha256"}


def test_result_values() -> None:
    built = _poll()
    result = built.result
    assert result["roll"] == {
        "sha256": sha256_hex(roll_lines(built.roll)),
        "total_weight": 10,
        "voting_rights": 4,
        "present_weight": 6,  # v0, v1 checked in; v3 voted (counts as present); v2 absent
        "present_organizations": 3,
    }
    assert result["ledger"] == {
        "tree_size": 4,
        "root": root([leaf_hash(line) for line in built.lines]).hex(),
    }
    # revote allowed: v0's last ballot (yes) counts
    assert result["tally"] == {
        "yes": {"weight": 3, "organizations": 1},
        "no": {"weight": 2, "organizations": 1},
        "abstain": {"weight": 1, "organizations": 1},
    }
    assert result["cast"] == {"weight": 6, "organizations": 3}
    assert result["quorum_met"] is True and result["outcome"] == "adopted"
    # the whole object is canonical JSON without floats
    assert json.loads(canonical_json(result)) == result


def test_roll_lines_are_canonical_and_newline_terminated() -> None:
    roll = [RollEntry("v1", 2, True, "Coop Café"), RollEntry("v2", 1, False, None)]
    assert (
        roll_lines(roll)
        == (
            '{"organization":"Coop Café","present":true,"voter":"v1","weight":2}\n'
            '{"organization":null,"present":false,"voter":"v2","weight":1}\n'
        ).encode()
    )
    assert roll_lines([]) == b""


def test_ballot_line_and_receipt() -> None:
    line = ballot_line(
        0, "v1", {"split": {"yes": 2, "no": 1}}, "2024-05-14T14:01:02Z", {"delegate": "d-9"}
    )
    assert (
        line == b'{"cast_at":"2024-05-14T14:01:02Z","delegate":"d-9","seq":0,'
        b'"split":{"no":1,"yes":2},"voter":"v1"}'
    )
    assert receipt(line) == leaf_hash(line).hex()
    assert jsonl([line, line]) == line + b"\n" + line + b"\n"


def test_a_receipt_is_provably_in_the_ledger() -> None:
    built = _poll()
    leaves = [leaf_hash(line) for line in built.lines]
    tree_root = bytes.fromhex(built.result["ledger"]["root"])
    for index, line in enumerate(built.lines):
        proof = inclusion_proof(leaves, index)
        assert verify_inclusion(bytes.fromhex(receipt(line)), index, len(leaves), proof, tree_root)
    assert ledger_root(built.lines) == built.result["ledger"]["root"]
    assert ledger_root([]) == sha256_hex(b"")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-1, "v", {"choice": "yes"}, "t", {}), "seq"),
        ((True, "v", {"choice": "yes"}, "t", {}), "seq"),
        ((0, "v", {"choice": "yes"}, "t", {"seq": 3}), "override ballot fields: seq"),
        (
            (0, "v", {"choice": "yes"}, "t", {"credential": "K7QF-1234"}),
            "must not carry: credential",
        ),
        ((0, "v", {"choice": "yes"}, "t", {"session": "abc"}), "must not carry: session"),
        ((0, "v", {}, "t", {}), "exactly one of choice"),
        ((0, "v", {"choice": "yes", "split": {"yes": 1}}, "t", {}), "exactly one of choice"),
    ],
)
def test_ballot_line_refuses_bad_input(args: tuple, message: str) -> None:
    with pytest.raises(ResultError, match=message):
        ballot_line(*args)


def _build(**overrides):  # type: ignore[no-untyped-def]
    roll = make_roll([1, 2])
    kwargs = dict(
        assembly={"id": 1},
        spec=SPEC,
        poll_id=1,
        poll_title="t",
        roll=roll,
        roll_bytes=roll_lines(roll),
        ballots=make_ballots([("v0", {"choice": "yes"})]),
        ledger_root_hex="ab" * 32,
        opened_at="a",
        closed_at="b",
        signing_key_fingerprint="cd" * 32,
    )
    kwargs.update(overrides)
    return build_result(**kwargs)


def test_build_result_refuses_inputs_that_would_not_verify() -> None:
    with pytest.raises(ResultError, match="roll_bytes"):
        _build(roll_bytes=b"")
    with pytest.raises(ResultError, match="seq 5"):
        _build(
            ballots=make_ballots([("v0", {"choice": "yes"})])[:0]
            + [make_ballots([("v0", {"choice": "yes"})] * 6)[5]]
        )
    with pytest.raises(ResultError, match="64 lower-case hex"):
        _build(ledger_root_hex="AB" * 32)
    assert _build()["outcome"] == "adopted"


@settings(max_examples=300, deadline=None)
@given(
    entries=st.lists(
        st.builds(
            RollEntry,
            voter=st.text(min_size=1, max_size=6),
            weight=st.integers(1, 2**53 - 1),
            present=st.booleans(),
            organization=st.none() | st.text(max_size=10),
        ),
        max_size=5,
    )
)
def test_roll_lines_are_exactly_rfc8785(entries: list[RollEntry]) -> None:
    expected = b"".join(
        rfc8785.dumps(
            {
                "voter": e.voter,
                "weight": e.weight,
                "present": e.present,
                "organization": e.organization,
            }
        )
        + b"\n"
        for e in entries
    )
    assert roll_lines(entries) == expected
