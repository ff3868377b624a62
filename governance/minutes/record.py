"""What the minutes say, gathered from the record of the day: attendance with weights and
proxies, the quorum at the opening and at each vote, the agenda as run with its speakers,
each poll's signed result (with the motion's text as voted and an election's seats), and the
times. The PDF and the HTML are both drawn from this one structure."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.assemblies.assemblies import get_assembly
from governance.assemblies.models import Assembly, Delegate, Proxy, VotingRight
from governance.audit.models import AuditEvent
from governance.elections.presenting import seat_sentences
from governance.floor import agenda as agenda_service
from governance.floor.speakers import speakers_list, spoken_seconds
from governance.motions.models import Motion, MotionText
from governance.polls import presenting
from governance.polls.models import Poll
from governance.results import services as results
from governance.settings import Settings


@dataclass(frozen=True)
class Attendance:
    organization: str
    country: str
    weight: int
    present: bool
    delegate: str | None  # who represented it: its own delegate or the proxy holder
    by_proxy: bool


@dataclass(frozen=True)
class Quorum:
    present_weight: int
    total_weight: int
    present_organizations: int
    total_organizations: int
    met: bool


@dataclass(frozen=True)
class SpeechRecord:
    name: str
    organization: str
    kind: str
    started_at: datetime | None
    seconds: int | None


@dataclass(frozen=True)
class ItemRecord:
    position: int
    title: str
    state: str
    started_at: datetime | None
    ended_at: datetime | None
    speeches: list[SpeechRecord]


@dataclass(frozen=True)
class PollRecord:
    id: int
    title: str
    motion: str | None  # "GA-2026-03 — title"
    motion_text: str | None  # the body as voted
    opened_at: datetime
    closed_at: datetime
    outcome: str
    quorum: Quorum
    rows: list[tuple[str, int, int]]  # option label, weight, organizations
    fingerprint: str
    result_sha256: str
    bundle_sha256: str
    ledger_root: str
    seats: list[str]


@dataclass(frozen=True)
class MinutesRecord:
    assembly: Assembly
    language: str
    opened_at: datetime | None
    closed_at: datetime | None
    opening_quorum: Quorum | None
    attendance: list[Attendance]
    agenda_status: str
    agenda_poll_id: int | None
    items: list[ItemRecord]
    polls: list[PollRecord]
    fingerprint: str


def _state_change(db: Session, assembly_id: int, state: str) -> datetime | None:
    """When the assembly moved to `state`, from its audit trail."""
    for event in db.scalars(select(AuditEvent).where(
            AuditEvent.subject == f"assembly:{assembly_id}",
            AuditEvent.action == "assembly.state").order_by(AuditEvent.seq)):
        if (event.details or {}).get("to") == state:
            return event.at
    return None


def _represented(db: Session, assembly_id: int, at: datetime | None) -> dict[int, tuple[str, bool]]:
    """Organization → (delegate's name, by proxy) for everyone checked in (by `at`, if
    given): its own delegate, or the checked-in holder of its proxy. The audit trail keeps
    whole seconds, so "by `at`" means before the end of that second."""
    limit = at + timedelta(seconds=1) if at is not None else None
    delegates = {d.id: d for d in db.scalars(select(Delegate).where(
        Delegate.assembly_id == assembly_id, Delegate.revoked_at.is_(None),
        Delegate.checked_in_at.is_not(None)))
        if limit is None or (d.checked_in_at is not None and d.checked_in_at < limit)}
    found = {d.organization_id: (d.name, False) for d in delegates.values()}
    for proxy in db.scalars(select(Proxy).where(Proxy.assembly_id == assembly_id,
                                                Proxy.revoked_at.is_(None))):
        holder = delegates.get(proxy.delegate_id)
        if holder is not None and (limit is None or proxy.granted_at < limit):
            found.setdefault(proxy.organization_id, (holder.name, True))
    return found


def _quorum(assembly: Assembly, rights: list[VotingRight], present: set[int]) -> Quorum:
    total = sum(r.weight for r in rights)
    weight = sum(r.weight for r in rights if r.organization_id in present)
    orgs = sum(1 for r in rights if r.organization_id in present)
    parts = []
    if assembly.quorum_weight_pct:
        parts.append(weight * 100 >= assembly.quorum_weight_pct * total)
    if assembly.quorum_orgs_pct:
        parts.append(orgs * 100 >= assembly.quorum_orgs_pct * len(rights))
    met = (all(parts) if assembly.quorum_mode == "and" else any(parts)) if parts else True
    return Quorum(weight, total, orgs, len(rights), met)


def _motion_text(db: Session, motion_id: int | None, language: str) -> tuple[str | None,
                                                                              str | None]:
    motion = db.get(Motion, motion_id) if motion_id else None
    if motion is None:
        return None, None
    texts = list(db.scalars(select(MotionText).where(MotionText.motion_id == motion.id)))
    chosen = next((t for t in texts if t.language == language), None) or next(
        (t for t in texts if t.is_original), texts[0] if texts else None)
    if chosen is None:
        return motion.code, None
    return f"{motion.code} — {chosen.title}", chosen.body


def _poll_record(db: Session, settings: Settings, poll: Poll, language: str) -> PollRecord:
    result = json.loads(poll.result_json or "{}")
    roll = result["roll"]
    motion, text = _motion_text(db, poll.motion_id, language)
    rows = [(presenting.label(poll, key), int(count["weight"]), int(count["organizations"]))
            for key, count in result["tally"].items()]
    bundle = results.bundle_zip(db, settings, poll.id)
    return PollRecord(
        id=poll.id, title=poll.title, motion=motion, motion_text=text,
        opened_at=_instant(result["opened_at"]), closed_at=_instant(result["closed_at"]),
        outcome=presenting.outcome(poll),
        quorum=Quorum(int(roll["present_weight"]), int(roll["total_weight"]),
                      int(roll["present_organizations"]), int(roll["voting_rights"]),
                      bool(result["quorum_met"])),
        rows=rows, fingerprint=str(result["signing_key"]["sha256"]),
        result_sha256=hashlib.sha256((poll.result_json or "").encode()).hexdigest(),
        bundle_sha256=hashlib.sha256(bundle).hexdigest(),
        ledger_root=str(result["ledger"]["root"]),
        seats=seat_sentences(result, lambda key: presenting.label(poll, key)))


def _instant(text: object) -> datetime:
    """An RFC 3339 UTC time of a signed result, as a datetime."""
    return datetime.fromisoformat(str(text).replace("Z", "+00:00"))


def _items(db: Session, items: list[Any]) -> list[ItemRecord]:
    records = []
    for item in items:
        listed = speakers_list(db, item.id)
        speeches = [SpeechRecord(s.name, s.organization_name, s.kind, s.started_at,
                                 spoken_seconds(s)) for s in listed.heard]
        records.append(ItemRecord(item.position, item.title, item.state, item.started_at,
                                  item.ended_at, speeches))
    return records


def gather(db: Session, settings: Settings, assembly_id: int, language: str,
           fingerprint: str) -> MinutesRecord:
    """Everything the minutes state, read from the database and the signed results."""
    assembly = get_assembly(db, assembly_id)
    rights = list(db.scalars(select(VotingRight).where(VotingRight.assembly_id == assembly_id)
                             .order_by(VotingRight.organization_name)))
    opened = _state_change(db, assembly_id, "in_session")
    closed = _state_change(db, assembly_id, "closed")
    represented = _represented(db, assembly_id, None)
    attendance = [Attendance(r.organization_name, r.country, r.weight,
                             r.organization_id in represented,
                             represented.get(r.organization_id, (None, False))[0],
                             represented.get(r.organization_id, (None, False))[1])
                  for r in rights]
    opening = None
    if opened is not None and rights:
        opening = _quorum(assembly, rights, set(_represented(db, assembly_id, opened)))
    agenda = agenda_service.get_agenda(db, assembly_id)
    polls = [_poll_record(db, settings, poll, language) for poll in db.scalars(
        select(Poll).where(Poll.assembly_id == assembly_id, Poll.state == "closed")
        .order_by(Poll.closed_at, Poll.id))]
    return MinutesRecord(
        assembly=assembly, language=language, opened_at=opened, closed_at=closed,
        opening_quorum=opening, attendance=attendance, agenda_status=agenda.status,
        agenda_poll_id=agenda.poll.id if agenda.poll else None, items=_items(db, agenda.items),
        polls=polls, fingerprint=fingerprint)
