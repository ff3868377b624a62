"""Recording staff actions in the hash-chained trail, reading it back, and checking the chain."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance.audit.chain import GENESIS, ChainCheck, event_hash
from governance.audit.chain import verify_chain as _verify_dicts
from governance.audit.models import AuditEvent, AuditHead
from governance.db import utcnow

__all__ = ["GENESIS", "ChainCheck", "event_hash", "record", "verify_chain", "export_event",
           "events", "events_after", "head", "count", "iter_export", "verify_stored"]

EXPORT_BATCH = 1000


def record(db: Session, actor: str, action: str, subject: str,
           details: dict[str, Any] | None = None, now: datetime | None = None) -> AuditEvent:
    """Append one event. Call it inside the transaction that makes the change it records."""
    details = details or {}
    at = (now or utcnow()).replace(microsecond=0)
    head_row = db.scalar(select(AuditHead).where(AuditHead.id == 1).with_for_update())
    if head_row is None:
        head_row = AuditHead(id=1, seq=-1, hash=GENESIS)
        db.add(head_row)
    seq = head_row.seq + 1
    digest = event_hash(head_row.hash, seq, at.isoformat(), actor, action, subject, details)
    event = AuditEvent(seq=seq, at=at, actor=actor, action=action, subject=subject,
                       details=details, prev_hash=head_row.hash, hash=digest)
    db.add(event)
    head_row.seq, head_row.hash = seq, digest
    db.flush()
    return event


def verify_chain(events: Iterable[AuditEvent | dict[str, Any]]) -> ChainCheck:
    """Recompute every link; report each broken one."""
    return _verify_dicts(e if isinstance(e, dict) else export_event(e) for e in events)


def export_event(event: AuditEvent) -> dict[str, Any]:
    return {"seq": event.seq, "at": event.at.replace(microsecond=0).isoformat(),
            "actor": event.actor, "action": event.action, "subject": event.subject,
            "details": event.details, "prev_hash": event.prev_hash, "hash": event.hash}


def events(db: Session, subject_prefix: str | None = None, limit: int = 500) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.seq)
    if subject_prefix:
        query = query.where(AuditEvent.subject.startswith(subject_prefix))
    return list(db.scalars(query.limit(limit)))


def events_after(db: Session, after_seq: int = -1, limit: int = EXPORT_BATCH,
                 newest_first: bool = False) -> list[AuditEvent]:
    """A page of the trail: events after `after_seq` in order (or, newest first, before it
    when given)."""
    query = select(AuditEvent)
    if newest_first:
        if after_seq >= 0:
            query = query.where(AuditEvent.seq < after_seq)
        query = query.order_by(AuditEvent.seq.desc())
    else:
        query = query.where(AuditEvent.seq > after_seq).order_by(AuditEvent.seq)
    return list(db.scalars(query.limit(max(1, min(limit, EXPORT_BATCH)))))


def head(db: Session) -> tuple[int, str]:
    """(seq, hash) of the last event; (-1, GENESIS) for an empty trail."""
    row = db.get(AuditHead, 1)
    return (row.seq, row.hash) if row is not None else (-1, GENESIS)


def count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(AuditEvent)) or 0


def iter_export(fetch: Any) -> Iterator[dict[str, Any]]:
    """Every event in order, fetched in batches by `fetch(after_seq)` (a list of dicts)."""
    after = -1
    while True:
        batch = fetch(after)
        yield from batch
        if len(batch) < EXPORT_BATCH:
            return
        after = batch[-1]["seq"]


def verify_stored(db: Session) -> ChainCheck:
    """Check the whole stored trail, and that its last event is the recorded head."""
    check = verify_chain(iter_export(
        lambda after: [export_event(e) for e in events_after(db, after)]))
    seq, digest = head(db)
    if check.head != digest or check.events != seq + 1:
        problems = [*check.problems,
                    f"the trail ends at event {check.events - 1} but its head is event {seq}"]
        return ChainCheck(False, check.events, problems, check.head)
    return check
