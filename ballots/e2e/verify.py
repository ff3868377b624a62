"""Offline verification of a secret poll's audit bundle (docs/e2e-protocol.md §11.3).

Every check runs and is reported by name, as for plain bundles (`ballots.verify`):

  result_format, signature, signing_key   result.json and its signature, as for plain polls
  poll            poll.json is the poll's parameters and fingerprint
  ceremony        the key ceremony's transcript gives exactly poll.json's trustees
  roll_format, roll, key_roll, ledger     the files and their hashes
  ballot_format … ballot_range            every ballot (docs/e2e-protocol.md §6.4)
  decryption_shares   every trustee share verifies, and there are at least k
  tally           the decrypted totals, cast weight and organizations
  outcome         quorum, outcome and presence from the rules
  cosignature:NAME
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from ballots.bundle import Bundle
from ballots.checks import (
    Context,
    Unavailable,
    check_signature,
    check_signing_key,
    cosignature_check,
)
from ballots.e2e import checks as c
from ballots.e2e.bundle import SecretBundle, read_secret_bundle
from ballots.e2e.ledger_check import BALLOT_CHECKS
from ballots.verify import Check, Report, _collector_paused

_SUCCESS = {
    "result_format": "result.json is canonical JSON in format asamblea.e2e-result/1",
    "signature": "result.json.sig is a valid Ed25519 signature of result.json",
    "signing_key": "signing_key.sha256 is the fingerprint of signing-key.pem",
    "poll": "poll.json is the poll's parameters; the fingerprint and roll hash match",
    "ceremony": "the key ceremony gives exactly the trustees and election key of poll.json",
    "roll_format": "every roll.jsonl line is a canonical, well-formed voting right",
    "roll": "roll.sha256, total_weight and voting_rights match roll.jsonl",
    "key_roll": "keyroll.jsonl is well-formed and matches result.key_roll",
    "ledger": "tree_size and Merkle root match ballots.jsonl",
    "ballot_format": "every ballot is well-formed, canonical, with no identity element",
    "ballot_poll": "every ballot is for this poll",
    "ballot_voter": "every ballot is for a right on the roll",
    "ballot_key": "every ballot is signed by the key the key roll authorized for its right",
    "ballot_previous": "every right's ballots form one chain (no replay, no fork)",
    "ballot_signature": "every ballot's signature by its voting key verifies",
    "ballot_proof": "every zero-knowledge proof of every ballot verifies",
    "ballot_sum": "every ballot's choices add up to one (the parts to the weight)",
    "ballot_range": "every part of every divided vote lies between 0 and the weight",
    "decryption_shares": "every trustee's decryption share verifies, at least k of them",
    "tally": "the decrypted totals are result.tally; cast weight and organizations match",
    "outcome": "quorum_met, outcome and presence follow from the poll's rules",
}


def _plain(bundle: SecretBundle) -> Context:
    """A plain-bundle context over the shared files, for the signature checks."""
    files = bundle.files
    return Context(
        Bundle(
            result_json=files["result.json"],
            signature=files["result.json.sig"],
            public_key_pem=files["signing-key.pem"],
            roll_jsonl=b"",
            ballots_jsonl=b"",
        )
    )


def _run(name: str, check: Callable[[Any], list[str]], ctx: Any) -> Check:
    try:
        problems = check(ctx)
    except Unavailable as exc:
        return Check(name=name, ok=False, reason=str(exc))
    if problems:
        return Check(name=name, ok=False, reason="; ".join(problems))
    return Check(name=name, ok=True, reason=_SUCCESS.get(name, "valid"))


def verify_secret_bundle(source: str | os.PathLike[str] | SecretBundle, workers: int = 1) -> Report:
    """Verify a secret poll's bundle (a directory, a ZIP or a `SecretBundle`); every check
    runs and is reported. `workers` processes check the ballots. Raises `BundleError`
    only when `source` cannot be read as a bundle."""
    bundle = source if isinstance(source, SecretBundle) else read_secret_bundle(source)
    with _collector_paused():
        ctx = c.SecretContext(bundle, workers)
        plain = _plain(bundle)
        steps: list[tuple[str, Callable[[Any], list[str]], Any]] = [
            ("result_format", c.check_result_format, ctx),
            ("signature", check_signature, plain),
            ("signing_key", check_signing_key, plain),
            ("poll", c.check_poll, ctx),
            ("ceremony", c.check_ceremony, ctx),
            ("roll_format", lambda x: list(x.roll.problems), ctx),
            ("roll", c.check_roll, ctx),
            ("key_roll", c.check_key_roll, ctx),
            ("ledger", c.check_ledger_root, ctx),
            *((name, c.ballot_check(name), ctx) for name in BALLOT_CHECKS),
            ("decryption_shares", c.check_decryption, ctx),
            ("tally", c.check_tally, ctx),
            ("outcome", c.check_outcome, ctx),
        ]
        data = bundle.files["result.json"]
        for name, (pem, sig) in sorted(bundle.cosignatures.items()):
            steps.append((f"cosignature:{name}", cosignature_check(pem, sig, data), ctx))
        if bundle.unpaired_cosignatures:
            unpaired = ", ".join(bundle.unpaired_cosignatures)
            steps.append(("cosignatures", lambda _: [f"files without their pair: {unpaired}"], ctx))
        checks = tuple(_run(name, check, arg) for name, check, arg in steps)
    return Report(checks=checks, **_summary(ctx))


def _summary(ctx: c.SecretContext) -> dict[str, Any]:
    def section(value: object) -> dict[str, Any]:
        return value if isinstance(value, dict) else {}

    result = section(ctx.result)
    poll, ledger = section(result.get("poll")), section(result.get("ledger"))

    def typed(value: object, kind: type) -> Any:
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        return value if ok else None

    return {
        "poll_id": poll.get("id"),
        "poll_title": typed(poll.get("title"), str),
        "tree_size": typed(ledger.get("tree_size"), int),
        "root": typed(ledger.get("root"), str),
        "outcome": typed(result.get("outcome"), str),
        "quorum_met": typed(result.get("quorum_met"), bool),
    }
