"""The secret poll's audit bundle and its verifier (docs/e2e-protocol.md §11): a real poll
verifies as a directory, a ZIP and through `asamblea verify`; every way of tampering with
it is caught by a named check."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from e2e_poll import Cast, SecretPoll, build_secret_poll, yes_no_poll
from e2e_seeds import seeded, voting_key

from ballots import verify_cli
from ballots.canonical import canonical_json, canonical_json_plain
from ballots.e2e.ballot_check import PollCheck
from ballots.e2e.bundle import (
    BALLOTS,
    DECRYPTION,
    SecretBundle,
    is_secret_bundle,
    secret_bundle_zip,
    write_secret_bundle,
)
from ballots.e2e.closing import tally_of
from ballots.e2e.keyroll import parse_event
from ballots.e2e.ledger import ledger_line
from ballots.e2e.randomness import OsRandomness
from ballots.e2e.result import DecryptionError
from ballots.e2e.verify import verify_secret_bundle
from ballots.e2e.vote import Voter, choice_ballot, sign_ballot
from ballots.polls import PollSpec
from ballots.result import ledger_root
from ballots.signing import sign

POLL = yes_no_poll("bundle")


def _verify(files: dict[str, bytes], workers: int = 1) -> dict[str, str]:
    """The failed checks of a bundle: name → reason."""
    report = verify_secret_bundle(SecretBundle(files), workers=workers)
    return {check.name: check.reason for check in report.checks if not check.ok}


def test_a_real_secret_poll_verifies(tmp_path: Path) -> None:
    assert _verify(POLL.files) == {}
    assert POLL.result["tally"] == {
        "yes": {"weight": 6, "organizations": 2},
        "no": {"weight": 2, "organizations": 1},
        "abstain": {"weight": 3, "organizations": 1},
    }
    assert POLL.result["decryption"]["trustees"] == [1, 3]  # trustee 2 was absent
    folder = write_secret_bundle(tmp_path / "bundle", POLL.files)
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(secret_bundle_zip(POLL.files))
    assert is_secret_bundle(folder) and is_secret_bundle(archive)
    assert verify_secret_bundle(folder).ok and verify_secret_bundle(archive).ok


def test_no_public_file_holds_a_choice() -> None:
    """The bundle never states what a right chose: neither the option names next to a
    voter, nor anything but ciphertexts and proofs in the ballots."""
    ballots = POLL.files[BALLOTS].decode()
    for key in ("yes", "no", "abstain"):
        assert f'"{key}"' not in ballots
    for line in POLL.files[BALLOTS].splitlines():
        ballot = json.loads(line)["ballot"]
        assert set(ballot) == {"format", "poll", "voter", "voting_key", "previous", "choices"}


def test_the_cli_recognizes_a_secret_bundle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_secret_bundle(tmp_path / "b", POLL.files)
    assert verify_cli.main([str(folder), "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "ballot_proof" in out and "decryption_shares" in out and "VALID" in out
    (folder / DECRYPTION).write_bytes(POLL.files[DECRYPTION].splitlines(keepends=True)[0])
    assert verify_cli.main([str(folder), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    failed = {c["name"]: c["reason"] for c in report["checks"] if not c["ok"]}
    assert "2 valid decryption shares are needed, 1 given" in failed["decryption_shares"]
    (folder / "poll.json").unlink()
    assert verify_cli.main([str(folder)]) == 2  # no longer a complete bundle of either kind


def test_multiple_and_divided_polls_verify() -> None:
    multiple = PollSpec(
        method="multiple", options=("ana", "bruno", "carla", "abstain"), max_choices=2, secret=True
    )
    built = build_secret_poll(
        multiple,
        [2, 7, 1],
        [
            Cast(0, {"choices": ["ana", "carla"]}),
            Cast(1, {"choices": ["abstain"]}),
            Cast(2, {"choices": ["bruno"]}),
        ],
        label="multi",
    )
    assert _verify(built.files) == {}
    assert built.result["tally"]["ana"] == {"weight": 2, "organizations": 1}
    assert built.result["tally"]["abstain"] == {"weight": 7, "organizations": 1}
    divided = PollSpec(
        method="single",
        options=("ana", "bruno", "carla"),
        allow_split=True,
        allow_revote=True,
        secret=True,
    )
    built = build_secret_poll(
        divided,
        [10, 3],
        [Cast(0, {"split": {"ana": 7, "carla": 3}}), Cast(1, {"split": {"bruno": 3}})],
        label="divided",
    )
    assert _verify(built.files) == {}
    assert {k: v["weight"] for k, v in built.result["tally"].items()} == {
        "ana": 7,
        "bruno": 3,
        "carla": 3,
    }
    assert built.result["tally"]["ana"]["organizations"] is None


def test_verification_on_several_processes_agrees(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ballots.e2e.ledger_check.CHUNK", 2)
    assert _verify(POLL.files, workers=2) == {}
    tampered = _lines(POLL, lambda lines: lines[3].update(voter="org-4"))
    assert set(_verify(tampered, workers=2)) >= {"ballot_voter"}


# --- tampering ---------------------------------------------------------------------------


def _resigned(poll: SecretPoll, files: dict[str, bytes], **result: Any) -> dict[str, bytes]:
    """Files with result.json changed (and re-signed by the assembly key, as a dishonest
    server could) — the ledger root always recomputed from the ballots given."""
    new = copy.deepcopy(poll.result)
    lines = files[BALLOTS].splitlines()
    new["ledger"] = {"tree_size": len(lines), "root": ledger_root(lines)}
    for key, value in result.items():
        new[key] = value
    data = canonical_json(new)
    return {**files, "result.json": data, "result.json.sig": sign(poll.signing_key, data)}


def _lines(poll: SecretPoll, change: Any) -> dict[str, bytes]:
    lines = [json.loads(line) for line in poll.files[BALLOTS].splitlines()]
    change(lines)
    data = b"".join(canonical_json_plain(line) + b"\n" for line in lines)
    return _resigned(poll, {**poll.files, BALLOTS: data})


def test_a_dropped_ballot_with_a_resigned_result_is_caught() -> None:
    files = _lines(POLL, lambda lines: lines.pop(2))  # org-2's "yes" disappears
    failed = _verify(files)
    assert "tally" in failed and "decryption_shares" in failed


def test_a_ballot_reencrypted_for_another_right_is_caught() -> None:
    """org-4 never voted: a server copies org-0's ciphertexts and proofs into a ballot for
    org-4 and signs it with a key it registers for org-4 — the proofs are bound to org-0."""

    def change(lines: list[dict[str, Any]]) -> None:
        forged = copy.deepcopy(lines[0])
        forged["ballot"]["voter"] = forged["voter"] = "org-4"
        forged["seq"] = len(lines)
        lines.append(forged)

    failed = _verify(_lines(POLL, change))
    assert "ballot_signature" in failed or "ballot_proof" in failed
    assert "ballot_key" in failed


def test_a_replayed_ballot_is_caught() -> None:
    """org-1's first ballot ("no"), replayed after its revote, would count last."""

    def change(lines: list[dict[str, Any]]) -> None:
        replay = copy.deepcopy(lines[1])
        replay["seq"] = len(lines)
        lines.append(replay)

    assert "ballot_previous" in _verify(_lines(POLL, change))


def _revote_by(
    poll: SecretPoll, right: int, key: Any, *, size: int | None = None
) -> dict[str, bytes]:
    """A revote for roll `right` ("yes"), chained to its last ballot, signed by `key`."""
    lines = [json.loads(line) for line in poll.files[BALLOTS].splitlines()]
    voter = f"org-{right}"
    mine = [line for line in lines if line["voter"] == voter]
    previous = PollCheck.of(poll.params).parse(mine[-1]["ballot"]).hash() if mine else None
    who = Voter(poll.params, poll.params.fingerprint(), voter, key, previous)
    ballot, _ = choice_ballot(who, {"choice": "yes"}, OsRandomness())
    events = len(poll.files["keyroll.jsonl"].splitlines())
    line = ledger_line(
        len(lines),
        voter,
        "2026-05-04T15:59:00Z",
        events if size is None else size,
        ballot.to_dict(),
        sign_ballot(ballot, key),
    )
    return _lines(poll, lambda ls: ls.append(json.loads(line)))


def test_a_ballot_signed_by_a_superseded_key_is_caught() -> None:
    """org-3's key was re-registered (a lost phone): a ballot signed with the old key and
    accepted afterwards is refused; one signed with the new key is a valid ballot (only the
    trustees' shares, made before it, no longer decrypt the new totals)."""
    failed = _verify(_revote_by(POLL, 3, POLL.voters["org-3"]))
    assert not [name for name in failed if name.startswith("ballot_")]
    assert "decryption_shares" in failed
    old_key = voting_key("bundle/org-3")
    failed = _verify(_revote_by(POLL, 3, old_key))
    assert "no longer" in failed["ballot_key"]
    assert set(failed) == {"ballot_key"}  # and it does not count: the tally still decrypts
    failed = _verify(_revote_by(POLL, 4, voting_key("someone else")))
    assert "ballot_key" in failed  # org-4's registered key did not sign it


def test_a_key_roll_size_going_backwards_is_caught() -> None:
    failed = _verify(_revote_by(POLL, 3, POLL.voters["org-3"], size=2))
    assert "out of order" in failed["ballot_key"]


def test_a_share_from_the_wrong_trustee_is_caught() -> None:
    lines = POLL.files[DECRYPTION].splitlines()
    first = json.loads(lines[0])
    first["message"]["index"] = 2
    first["signature"] = POLL.run.keys[2].sign(canonical_json(first["message"])).hex()
    data = canonical_json_plain(first) + b"\n" + lines[1] + b"\n"
    failed = _verify(_resigned(POLL, {**POLL.files, DECRYPTION: data}))
    assert "fails its proof" in failed["decryption_shares"]


def test_a_changed_tally_or_outcome_is_caught() -> None:
    tally = copy.deepcopy(POLL.result["tally"])
    tally["yes"]["weight"] = 7
    assert set(_verify(_resigned(POLL, POLL.files, tally=tally))) == {"tally"}
    assert set(_verify(_resigned(POLL, POLL.files, outcome="rejected"))) == {"outcome"}


@pytest.mark.parametrize("name", sorted(POLL.files))
def test_random_bytes_in_any_file_are_caught(name: str) -> None:
    rand = seeded(f"mutate/{name}")
    for _ in range(3):
        data = bytearray(POLL.files[name])
        position = rand.scalar() % len(data)
        data[position] ^= 1 + rand.scalar() % 255
        failed = _verify({**POLL.files, name: bytes(data)})
        assert failed, f"flipping byte {position} of {name} went unnoticed"


def test_deep_nesting_is_refused_not_crashed() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    for name in ("poll.json", "ceremony.json", "result.json"):
        failed = _verify({**POLL.files, name: deep})
        assert failed
    failed = _verify({**POLL.files, BALLOTS: deep + b"\n", DECRYPTION: deep + b"\n"})
    assert "ballot_format" in failed


def test_closing_refuses_too_few_shares_and_a_corrupt_ledger() -> None:
    """The server side of closing: one trustee's shares decrypt nothing; a ledger holding a
    ballot that fails its checks is not tallied."""
    with pytest.raises(DecryptionError, match="2 valid decryption shares are needed, 1 given"):
        yes_no_poll("lonely", decrypting=(2,))
    lines = POLL.files[BALLOTS].splitlines()
    events = [
        parse_event(json.loads(line), n)
        for n, line in enumerate(POLL.files["keyroll.jsonl"].splitlines())
    ]
    with pytest.raises(ValueError, match="invalid ballot: ballot_previous"):
        tally_of(POLL.params, POLL.roll, events, [*lines, lines[1].replace(b'"seq":1', b'"seq":5')])
