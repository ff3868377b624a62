"""Closing a secret poll: from the ledger, the key roll and the trustees' decryption
shares to the signed result and the audit bundle's files (docs/e2e-protocol.md §10–11).

The steps, in the order the server runs them: `tally_of` (check every ballot and add up
the counted ones: the aggregates the trustees decrypt), then each trustee posts its shares
(`ballots.e2e.decryption.make_shares`, offline), then `bundle_files` (decrypt the totals,
build and sign the result, assemble the files).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballots.canonical import canonical_json, canonical_json_plain
from ballots.e2e.bundle import BALLOTS, CEREMONY, DECRYPTION, KEY_ROLL, POLL, ROLL
from ballots.e2e.ceremony import Ceremony
from ballots.e2e.keyroll import KeyEvent, KeyRoll, key_roll_lines
from ballots.e2e.ledger_check import LedgerReport, check_ledger
from ballots.e2e.params import PollParams
from ballots.e2e.result import DecryptionError, build_result, decrypt_totals, valid_shares
from ballots.result import ledger_root, roll_lines
from ballots.signing import fingerprint, public_key_pem, sign
from ballots.tally import RollEntry


def tally_of(
    params: PollParams,
    roll: Sequence[RollEntry],
    events: Sequence[KeyEvent],
    lines: Sequence[bytes],
    workers: int = 1,
) -> LedgerReport:
    """Check every ledger line and compute the aggregates; `ValueError` if any ballot
    fails (the server never accepted one: the ledger is corrupt)."""
    weights = {entry.voter: entry.weight for entry in roll}
    report = check_ledger(params, weights, KeyRoll(events), lines, workers)
    if report.counts:
        first = next(iter(report.failures.items()))
        raise ValueError(f"the ledger holds an invalid ballot: {first[0]}: {first[1][0]}")
    return report


def bundle_files(
    *,
    assembly: Mapping[str, object],
    params: PollParams,
    ceremony: Ceremony,
    transcript: Mapping[str, object],
    roll: Sequence[RollEntry],
    events: Sequence[KeyEvent],
    lines: Sequence[bytes],
    tally: LedgerReport,
    decryption: Sequence[Mapping[str, object]],
    signing_key: Ed25519PrivateKey,
    opened_at: str,
    closed_at: str,
) -> tuple[dict[str, bytes], dict[str, object]]:
    """The bundle's files and the result object. `decryption` holds the trustees' signed
    share messages; `DecryptionError` when fewer than k of them verify."""
    roll_bytes = roll_lines(roll)
    decryption_bytes = b"".join(canonical_json_plain(dict(m)) + b"\n" for m in decryption)
    shares, problems = valid_shares(ceremony, params, tally.aggregates, list(decryption))
    if problems:
        raise DecryptionError("; ".join(problems))
    totals = decrypt_totals(
        params, tally.aggregates, shares, sum(e.weight for e in roll), len(roll)
    )
    transcript_bytes = canonical_json(dict(transcript))
    key_roll_bytes = key_roll_lines(events)
    result = build_result(
        assembly=assembly,
        params=params,
        roll=roll,
        roll_bytes=roll_bytes,
        key_roll_bytes=key_roll_bytes,
        key_roll_size=len(events),
        ledger_size=len(lines),
        ledger_root_hex=ledger_root(lines),
        ceremony_bytes=transcript_bytes,
        decryption_bytes=decryption_bytes,
        totals=totals,
        counted=tally.counted_voters,
        opened_at=opened_at,
        closed_at=closed_at,
        signing_key_fingerprint=fingerprint(signing_key.public_key()),
    )
    result_json = canonical_json(result)
    files = {
        "result.json": result_json,
        "result.json.sig": sign(signing_key, result_json),
        "signing-key.pem": public_key_pem(signing_key.public_key()),
        POLL: params.canonical(),
        CEREMONY: transcript_bytes,
        ROLL: roll_bytes,
        KEY_ROLL: key_roll_bytes,
        BALLOTS: b"".join(line + b"\n" for line in lines),
        DECRYPTION: decryption_bytes,
    }
    return files, result
