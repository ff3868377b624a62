"""Verifying audit bundles: API.md §3 checks 1–6 and the command line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ballots_testkit import BuiltPoll, build_poll, make_roll

from ballots.__main__ import main as module_main
from ballots.bundle import Bundle, bundle_zip_bytes, write_bundle
from ballots.canonical import canonical_json
from ballots.polls import PollSpec, Rules
from ballots.result import jsonl, ledger_root, roll_lines
from ballots.signing import generate_private_key, public_key_pem, sign
from ballots.verify import verify_bundle
from ballots.verify_cli import main

ALL_CHECKS = [
    "result_format",
    "signature",
    "signing_key",
    "roll_format",
    "roll",
    "ballots_format",
    "ledger",
    "tally",
    "outcome",
]
SPEC = PollSpec(
    "yes_no_abstain", allow_split=True, allow_revote=True, rules=Rules(quorum_weight_pct=50)
)


@pytest.fixture(scope="module")
def built() -> BuiltPoll:
    roll = make_roll([120, 30, 9, 4], [True, True, False, False])
    votes = [
        ("v0", {"choice": "yes"}),
        ("v1", {"split": {"yes": 10, "no": 20}}),
        ("v2", {"choice": "abstain"}),
        ("v1", {"choice": "no"}),  # revote: this one counts
        ("stranger", {"choice": "yes"}),  # not on the roll: ignored
    ]
    return build_poll(SPEC, roll, votes, cosigners=1)


def _bundle(files: dict, **changes: object) -> Bundle:
    merged = {**files, **changes}
    return Bundle(
        result_json=merged["result_json"],
        signature=merged["signature"],
        public_key_pem=merged["public_key_pem"],
        roll_jsonl=merged["roll_jsonl"],
        ballots_jsonl=merged["ballots_jsonl"],
        cosignatures=merged["cosignatures"],
    )


def _resigned(built, result: dict, **changes: object) -> Bundle:
    """The bundle with a changed result, re-signed with the assembly's own key: only the
    recount can tell."""
    result_json = canonical_json(result)
    return _bundle(
        built.files,
        result_json=result_json,
        signature=sign(built.key, result_json),
        cosignatures={},
        **changes,
    )


def _failed(report) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {check.name: check.reason for check in report.failed}


def test_a_genuine_bundle_passes_every_check(built: BuiltPoll, tmp_path: Path) -> None:
    report = verify_bundle(_bundle(built.files))
    assert report.ok, _failed(report)
    assert [c.name for c in report.checks] == [*ALL_CHECKS, "cosignature:teller-0"]
    assert (report.poll_title, report.tree_size, report.outcome, report.quorum_met) == (
        "Moción GA-2024-03: plan estratégico",
        5,
        "adopted",
        True,
    )
    assert built.result["tally"]["yes"]["weight"] == 120
    # the same, from a directory and from a ZIP
    assert verify_bundle(write_bundle(tmp_path / "dir", **built.files)).ok
    (tmp_path / "b.zip").write_bytes(bundle_zip_bytes(**built.files))
    assert verify_bundle(tmp_path / "b.zip").ok


def test_recount_mismatch_names_the_option_and_both_numbers(built: BuiltPoll) -> None:
    result = json.loads(built.files["result_json"])
    result["tally"]["yes"]["weight"] = 121
    failed = _failed(verify_bundle(_resigned(built, result)))
    assert failed == {"tally": "tally for 'yes': bundle says 121, recount gives 120"}


def test_outcome_and_quorum_are_re_derived(built: BuiltPoll) -> None:
    result = json.loads(built.files["result_json"])
    result["outcome"] = "rejected"
    result["quorum_met"] = False
    failed = _failed(verify_bundle(_resigned(built, result)))
    assert failed == {
        "outcome": "quorum_met: bundle says False, recount gives True; "
        "outcome: bundle says 'rejected', recount gives 'adopted'"
    }


def test_changed_rules_change_the_derived_outcome(built: BuiltPoll) -> None:
    result = json.loads(built.files["result_json"])
    result["poll"]["rules"]["majority"] = "unanimity"  # the no votes break unanimity
    failed = _failed(verify_bundle(_resigned(built, result)))
    assert set(failed) == {"outcome"}
    assert "recount gives 'rejected'" in failed["outcome"]


def test_roll_checks(built: BuiltPoll) -> None:
    result = json.loads(built.files["result_json"])
    result["roll"]["total_weight"] += 1
    failed = _failed(verify_bundle(_resigned(built, result)))
    assert failed == {"roll": "roll.total_weight: bundle says 164, roll.jsonl weights sum to 163"}
    # a different roll (v3 weighs more), re-signed with a matching sha256: the recount catches it
    roll = make_roll([120, 30, 9, 40], [True, True, False, False])
    result = json.loads(built.files["result_json"])
    result["roll"]["sha256"] = __import__("hashlib").sha256(roll_lines(roll)).hexdigest()
    failed = _failed(verify_bundle(_resigned(built, result, roll_jsonl=roll_lines(roll))))
    assert set(failed) == {"roll"}  # sha256 matches, but total_weight says 163, the lines 199
    assert "total_weight" in failed["roll"]


def test_ledger_checks(built: BuiltPoll) -> None:
    result = json.loads(built.files["result_json"])
    result["ledger"]["tree_size"] = 4
    result["ledger"]["root"] = ledger_root(built.lines[:4])
    failed = _failed(verify_bundle(_resigned(built, result)))
    assert failed.keys() == {"ledger"}
    assert failed["ledger"].startswith(
        "ledger.tree_size: bundle says 4, ballots.jsonl lines: 5; ledger.root is "
    )


def test_a_ballot_removed_and_result_re_signed_is_caught_by_the_ledger_and_the_recount(
    built,
) -> None:
    lines = built.lines[1:]
    renumbered = [canonical_json({**json.loads(line), "seq": i}) for i, line in enumerate(lines)]
    result = json.loads(built.files["result_json"])
    failed = _failed(verify_bundle(_resigned(built, result, ballots_jsonl=jsonl(renumbered))))
    assert {"ledger", "tally", "outcome"} <= set(failed)


def test_signature_and_key_checks(built: BuiltPoll) -> None:
    other = generate_private_key()
    swapped_key = _bundle(built.files, public_key_pem=public_key_pem(other.public_key()))
    failed = _failed(verify_bundle(swapped_key))
    assert set(failed) == {"signature", "signing_key"}
    assert "not a valid signature" in failed["signature"]
    assert failed["signing_key"].startswith("signing_key.sha256 is ")
    # re-signed by another key, with that key's PEM: valid signature, wrong fingerprint
    resigned = _bundle(
        built.files,
        public_key_pem=public_key_pem(other.public_key()),
        signature=sign(other, built.files["result_json"]),
    )
    assert set(_failed(verify_bundle(resigned))) == {"signing_key"}
    short = _failed(verify_bundle(_bundle(built.files, signature=b"\x00" * 10)))
    assert short == {"signature": "result.json.sig is 10 bytes, an Ed25519 signature is 64"}
    garbage = _failed(verify_bundle(_bundle(built.files, public_key_pem=b"not a key")))
    assert set(garbage) == {"signature", "signing_key"}


def test_bad_cosignature_is_named(built: BuiltPoll) -> None:
    intruder = generate_private_key()
    cosignatures = {
        "teller-0": (
            public_key_pem(intruder.public_key()),
            built.files["cosignatures"]["teller-0"][1],
        )
    }
    failed = _failed(verify_bundle(_bundle(built.files, cosignatures=cosignatures)))
    assert set(failed) == {"cosignature:teller-0"}


def test_malformed_files_fail_dependent_checks_with_reasons(built: BuiltPoll) -> None:
    report = verify_bundle(
        _bundle(built.files, result_json=b"{not json", roll_jsonl=b"\xff\n", ballots_jsonl=b"[]\n")
    )
    failed = _failed(report)
    # every check fails (the cosignature too: it signed the real result.json), none raises
    assert set(failed) == {*ALL_CHECKS, "cosignature:teller-0"}
    assert failed["result_format"].startswith("result.json is unreadable: not JSON")
    assert failed["roll_format"].startswith("roll.jsonl line 1: not UTF-8")
    assert failed["ballots_format"] == "ballots.jsonl line 1: must be a JSON object"
    assert failed["tally"].startswith("result.json is unreadable")
    assert report.poll_title is None and report.outcome is None


def test_format_problems_are_precise(built: BuiltPoll) -> None:
    ballots = (
        built.files["ballots_jsonl"]
        .replace(b'"seq":2', b'"seq":7')
        .replace(b'"seq":0,', b'"seq": 0,')
    )
    failed = _failed(verify_bundle(_bundle(built.files, ballots_jsonl=ballots)))
    assert failed["ballots_format"] == (
        "ballots.jsonl line 1: is not in RFC 8785 canonical form; "
        "ballots.jsonl line 3: seq is 7, expected 2"
    )
    no_newline = _failed(
        verify_bundle(_bundle(built.files, roll_jsonl=built.files["roll_jsonl"][:-1]))
    )
    assert no_newline["roll_format"] == "roll.jsonl does not end with a newline"


def test_secret_poll_roll_must_not_name_organizations() -> None:
    spec = PollSpec("yes_no_abstain", secret=True)
    leaky = build_poll(spec, make_roll([1, 1]), [("v0", {"choice": "yes"})])
    failed = _failed(verify_bundle(_bundle(leaky.files)))
    assert failed["roll_format"].startswith(
        "roll.jsonl line 1: organization must be null in a secret poll"
    )
    private = build_poll(spec, make_roll([1, 1], secret=True), [("v0", {"choice": "yes"})])
    assert verify_bundle(_bundle(private.files)).ok


def test_an_invalid_ballot_is_reported_not_raised(built: BuiltPoll) -> None:
    lines = list(built.lines)
    lines[0] = lines[0].replace(b'"choice":"yes"', b'"choice":"maybe"')
    result = json.loads(built.files["result_json"])
    result["ledger"]["root"] = ledger_root(lines)
    failed = _failed(verify_bundle(_resigned(built, result, ballots_jsonl=jsonl(lines))))
    assert (
        failed["tally"]
        == "cannot recount: ballot seq 0 of 'v0': 'maybe' is not an option of this poll"
    )
    lines = list(built.lines)
    lines[1] = lines[1].replace(b'"no":20', b'"no":21')  # superseded, but never valid
    result["ledger"]["root"] = ledger_root(lines)
    failed = _failed(verify_bundle(_resigned(built, result, ballots_jsonl=jsonl(lines))))
    assert failed == {
        "tally": "superseded ballot seq 1 (split_sum): split units sum to 31, the weight is 30"
    }


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not on PATH")
def test_openssl_verifies_the_signature(built: BuiltPoll, tmp_path: Path) -> None:
    dest = write_bundle(tmp_path / "b", **built.files)
    command = [
        "openssl",
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        "signing-key.pem",
        "-rawin",
        "-in",
        "result.json",
        "-sigfile",
        "result.json.sig",
    ]
    ok = subprocess.run(command, cwd=dest, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "Signature Verified Successfully" in ok.stdout
    (dest / "result.json").write_bytes(built.files["result_json"] + b" ")
    assert subprocess.run(command, cwd=dest, capture_output=True).returncode != 0


# ---- command line --------------------------------------------------------------------------


def test_cli_valid_bundle(
    built: BuiltPoll, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = write_bundle(tmp_path / "b", **built.files)
    assert main([str(dest)]) == 0
    out = capsys.readouterr().out
    assert "✓ signature" in out or "OK   signature" in out
    assert (
        "Moción GA-2024-03" in out
        and "Tree size:  5" in out
        and built.result["ledger"]["root"] in out
    )
    assert "adopted (quorum met)" in out and "VALID: all 10 checks passed" in out


def test_cli_invalid_bundle(
    built: BuiltPoll, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = write_bundle(tmp_path / "b", **built.files)
    (dest / "roll.jsonl").write_bytes(
        built.files["roll_jsonl"].replace(b'"weight":4', b'"weight":5')
    )
    assert main([str(dest)]) == 1
    out = capsys.readouterr().out
    assert "INVALID: 1 of 10 checks failed" in out
    assert "roll.total_weight: bundle says 163, roll.jsonl weights sum to 164" in out


def test_cli_json_output(
    built: BuiltPoll, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "b.zip").write_bytes(bundle_zip_bytes(**built.files))
    assert main([str(tmp_path / "b.zip"), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] is True and document["outcome"] == "adopted"
    assert [c["name"] for c in document["checks"]][:9] == ALL_CHECKS


def test_cli_unreadable_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert (
        err.count("\n") == 1
        and err.startswith("asamblea verify: error: ")
        and "no such bundle" in err
    )
    (tmp_path / "partial").mkdir()
    assert main([str(tmp_path / "partial")]) == 2
    assert "missing result.json" in capsys.readouterr().err


def test_cli_ascii_terminal(
    built, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    dest = write_bundle(tmp_path / "b", **built.files)
    stream = io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="strict")
    monkeypatch.setattr(sys, "stdout", stream)
    assert main([str(dest)]) == 0
    stream.flush()
    text = stream.buffer.getvalue().decode("ascii")  # type: ignore[attr-defined]
    assert "OK   signature" in text


def test_python_dash_m_ballots(built: BuiltPoll, tmp_path: Path) -> None:
    dest = write_bundle(tmp_path / "b", **built.files)
    done = subprocess.run(
        [sys.executable, "-m", "ballots", "verify", str(dest)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        env={"PYTHONIOENCODING": "utf-8", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert "VALID" in done.stdout
    assert module_main(["help"]) == 2
