"""Recording staff actions in the hash-chained trail, and checking the chain."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ballots.canonical import canonical_json
from governance.audit.models import AuditEvent, AuditHead
from governance.db import utcnow

GENESIS = "0" * 64


def event_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, subject: str,
               details: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and the event's canonical JSON (RFC 8785)."""
    body = canonical_json({"seq": seq, "at": at, "actor": actor, "action": action,
                           "subject": subject, "details": details})
    return hashlib.sha256(bytes.fromhex(prev_hash) + body).hexdigest()


def record(db: Session, actor: str, action: str, subject: str,
           details: dict[str, Any] | None = None, now: datetime | None = None) -> AuditEvent:
    """Append one event. Call it inside the transaction that makes the change it records."""
    details = details or {}
    at = (now or utcnow()).replace(microsecond=0)
    head = db.scalar(select(AuditHead).where(AuditHead.id == 1).with_for_update())
    if head is None:
        head = AuditHead(id=1, seq=-1, hash=GENESIS)
        db.add(head)
    seq = head.seq + 1
    digest = event_hash(head.hash, seq, at.isoformat(), actor, action, subject, details)
    event = AuditEvent(seq=seq, at=at, actor=actor, action=action, subject=subject,
                       details=details, prev_hash=head.hash, hash=digest)
    db.add(event)
    head.seq, head.hash = seq, digest
    db.flush()
    return event


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    events: int
    problems: list[str]


def verify_chain(events: Iterable[AuditEvent | dict[str, Any]]) -> ChainCheck:
    """Recompute every link; report each broken one."""
    prev, problems, count = GENESIS, [], 0
    for count, raw in enumerate(events, start=1):
        e = raw if isinstance(raw, dict) else export_event(raw)
        if e["seq"] != count - 1:
            problems.append(f"event {count - 1}: sequence says {e['seq']}")
        if e["prev_hash"] != prev:
            problems.append(f"event {e['seq']}: previous hash does not match")
        expected = event_hash(prev, e["seq"], e["at"], e["actor"], e["action"], e["subject"],
                              e["details"])
        if e["hash"] != expected:
            problems.append(f"event {e['seq']}: hash does not match its content")
        prev = e["hash"]
    return ChainCheck(not problems, count, problems)


def export_event(event: AuditEvent) -> dict[str, Any]:
    return {"seq": event.seq, "at": event.at.replace(microsecond=0).isoformat(),
            "actor": event.actor, "action": event.action, "subject": event.subject,
            "details": event.details, "prev_hash": event.prev_hash, "hash": event.hash}


def events(db: Session, subject_prefix: str | None = None, limit: int = 500) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.seq)
    if subject_prefix:
        query = query.where(AuditEvent.subject.startswith(subject_prefix))
    return list(db.scalars(query.limit(limit)))
