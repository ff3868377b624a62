"""Sealing a closed poll's result, and everything an auditor or delegate fetches from it:
the signed result, the audit bundle, inclusion proofs for receipts, co-signatures."""

from __future__ import annotations

import base64
import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ballots import ledger, signing
from ballots.bundle import bundle_zip_bytes
from ballots.canonical import canonical_json
from ballots.elections import Election
from ballots.result import build_result, jsonl, ledger_root, roll_lines
from ballots.tally import BallotLine, RollEntry
from governance import errors
from governance.assemblies import services as assemblies
from governance.polls import services as polls
from governance.polls.models import Ballot, Poll
from governance.results import keys
from governance.results.models import Cosignature
from governance.settings import Settings


@dataclass(frozen=True)
class SignedResult:
    result: dict[str, Any]
    result_bytes: bytes
    signature: bytes


@dataclass(frozen=True)
class InclusionProof:
    leaf_index: int
    tree_size: int
    proof: list[str]
    root: str
    ballot_line: str


def roll_entries(db: Session, poll: Poll) -> list[RollEntry]:
    return [RollEntry(voter, weight, present, None if poll.secret else name)
            for voter, weight, present, name in polls.roll_rows(db, poll.id)]


def sealer(settings: Settings):  # type: ignore[no-untyped-def]
    """The `seal` step that closing a poll runs, bound to the installation's signing key."""

    def seal(db: Session, poll: Poll, now: datetime) -> None:
        with _collector_paused():
            _seal(db, poll, now)

    def _seal(db: Session, poll: Poll, now: datetime) -> None:
        key = keys.private_key(settings)
        polls.mark_presence(db, poll, assemblies.present_organization_ids(db, poll.assembly_id))
        texts = polls.ledger_lines(db, poll.id)
        roll = roll_entries(db, poll)
        assembly = assemblies.get_assembly(db, poll.assembly_id)
        lines = [text.encode() for text in texts]
        # The count reads the very lines the ledger root commits to, as an auditor's
        # recount does, rather than a copy of the vote kept beside them.
        ballots = [BallotLine(entry["seq"], entry["voter"], entry)
                   for entry in map(json.loads, texts)]
        opened_at = poll.opened_at or now  # always set: only an open poll is closed
        spec = polls.spec_of(poll)
        election = Election.from_dict(poll.election, spec) if poll.election else None
        result = build_result(
            assembly={"id": assembly.id, "title": assembly.title},
            spec=spec, poll_id=poll.id, poll_title=poll.title,
            roll=roll, roll_bytes=roll_lines(roll),
            ballots=ballots,
            ledger_root_hex=ledger_root(lines),
            opened_at=polls.rfc3339(opened_at), closed_at=polls.rfc3339(now),
            signing_key_fingerprint=signing.fingerprint(key.public_key()),
            election=election,
        )
        data = canonical_json(result)
        poll.result_json = data.decode()
        poll.result_signature = base64.b64encode(signing.sign(key, data)).decode()
        poll.outcome = str(result["outcome"])

    return seal


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a result is sealed: a poll of 100,000
    ballots creates some 500,000 short-lived objects, none in a reference cycle, and the
    collector's passes over them took a quarter of the closing time (bench/). The previous
    state comes back afterwards; other threads only see cycles collected a moment later."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def closed_polls(db: Session, limit: int = 200) -> list[Poll]:
    """The most recently closed polls, for the auditors' page."""
    return list(db.scalars(select(Poll).where(Poll.state == "closed")
                           .order_by(Poll.closed_at.desc()).limit(limit)))


def signed_result(db: Session, poll_id: int) -> SignedResult:
    poll = polls.get_poll(db, poll_id)
    if poll.state != "closed" or poll.result_json is None or poll.result_signature is None:
        raise errors.Conflict("The result exists once the poll is closed.",
                              code="poll_not_closed")
    data = poll.result_json.encode()
    return SignedResult(json.loads(data), data, base64.b64decode(poll.result_signature))


def inclusion_proof(db: Session, poll_id: int, receipt_hex: str) -> InclusionProof:
    """RFC 6962 audit path from the receipt's leaf to the signed root of the closed ledger."""
    sealed = signed_result(db, poll_id)
    receipt_hex = receipt_hex.strip().lower()
    ballot = db.scalar(select(Ballot).where(Ballot.poll_id == poll_id,
                                            Ballot.receipt == receipt_hex))
    if ballot is None:
        raise errors.NotFound("No ballot in this poll has the receipt %(receipt)s.",
                              receipt=receipt_hex[:80])
    leaves = [bytes.fromhex(r) for r in db.scalars(
        select(Ballot.receipt).where(Ballot.poll_id == poll_id).order_by(Ballot.seq))]
    path = ledger.inclusion_proof(leaves, ballot.seq)
    return InclusionProof(ballot.seq, len(leaves), [p.hex() for p in path],
                          str(sealed.result["ledger"]["root"]), ballot.line)  # type: ignore[index]


def bundle_files(db: Session, settings: Settings, poll_id: int) -> dict[str, Any]:
    """The inputs of an audit bundle (API.md §3) for ballots.bundle."""
    sealed = signed_result(db, poll_id)
    poll = polls.get_poll(db, poll_id)
    public = keys.public_key(settings)
    if public is None:
        raise errors.Conflict("There is no signing key yet. Run: asamblea keys generate",
                              code="no_signing_key")
    cosignatures = {c.name: (c.public_key_pem.encode(), base64.b64decode(c.signature))
                    for c in db.scalars(select(Cosignature).where(Cosignature.poll_id == poll_id)
                                        .order_by(Cosignature.name))}
    return {
        "result_json": sealed.result_bytes,
        "signature": sealed.signature,
        "public_key_pem": public.pem,
        "roll_jsonl": roll_lines(roll_entries(db, poll)),
        "ballots_jsonl": jsonl(text.encode() for text in polls.ledger_lines(db, poll_id)),
        "cosignatures": cosignatures,
    }


def bundle_zip(db: Session, settings: Settings, poll_id: int) -> bytes:
    return bundle_zip_bytes(**bundle_files(db, settings, poll_id))


@dataclass(frozen=True)
class VerifiedResult:
    """What the archive shows of a motion's signed result."""

    poll_id: int
    outcome: str
    closed_at: str
    fingerprint: str
    root: str
    tree_size: int


def verified_results(db: Session, poll_ids: list[int]) -> dict[int, VerifiedResult]:
    found: dict[int, VerifiedResult] = {}
    for poll in db.scalars(select(Poll).where(Poll.id.in_(poll_ids), Poll.state == "closed",
                                              Poll.result_json.is_not(None))):
        result = json.loads(poll.result_json or "{}")
        found[poll.id] = VerifiedResult(poll.id, str(result["outcome"]), str(result["closed_at"]),
                                        str(result["signing_key"]["sha256"]),
                                        str(result["ledger"]["root"]),
                                        int(result["ledger"]["tree_size"]))
    return found
