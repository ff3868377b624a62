"""The list of speakers of an agenda item: requests, the order, the time limit, the record.

Points of order go first, in the order asked. Speeches follow in the order asked, unless the
rules of debate alternate them: then the next speech goes to the first delegate waiting whose
region (or recorded gender) differs from the last speaker's, when there is one. Who spoke,
when, and for how long is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance import errors
from governance.assemblies.assemblies import lock_assembly, subject
from governance.assemblies.delegates import active_delegate
from governance.audit import services as audit
from governance.floor.agenda import floor_rules, get_item
from governance.floor.models import ALTERNATIONS, SPEECH_KINDS, AgendaItem, FloorRules, Speaker
from governance.organizations.models import Organization

OPEN_STATES = ("upcoming", "current")


@dataclass(frozen=True)
class SpeakersList:
    """An item's list: who speaks now (and until when), who waits in order, who spoke."""

    item: AgendaItem
    speaking: Speaker | None
    waiting: list[Speaker]
    heard: list[Speaker]

    @property
    def ends_at(self) -> datetime | None:
        """When the current speaker's time is up."""
        if self.speaking is None or self.speaking.started_at is None:
            return None
        return self.speaking.started_at + timedelta(seconds=self.speaking.limit_seconds or 0)

    def remaining(self, now: datetime) -> int | None:
        """Whole seconds left to the current speaker (negative once over time)."""
        ends = self.ends_at
        return None if ends is None else int((ends - now).total_seconds())


def spoken_seconds(speaker: Speaker) -> int | None:
    """How long a heard speaker spoke, in whole seconds."""
    if speaker.started_at is None or speaker.ended_at is None:
        return None
    return int((speaker.ended_at - speaker.started_at).total_seconds())


def _trait(speaker: Speaker, alternation: str) -> str | None:
    return speaker.region if alternation == "region" else speaker.gender


def order_waiting(waiting: list[Speaker], last: Speaker | None, alternation: str
                  ) -> list[Speaker]:
    """The waiting speakers in the order they will be called: points of order first (as
    asked), then speeches, alternating by region or gender when the rules say so."""
    points = sorted((s for s in waiting if s.kind == "point_of_order"),
                    key=lambda s: (s.requested_at, s.id))
    speeches = sorted((s for s in waiting if s.kind == "speech"),
                      key=lambda s: (s.requested_at, s.id))
    if alternation == "none":
        return points + speeches
    ordered = []
    previous = _trait(last, alternation) if last is not None else None
    while speeches:
        chosen = next((s for s in speeches if previous is None
                       or _trait(s, alternation) != previous), speeches[0])
        speeches.remove(chosen)
        ordered.append(chosen)
        previous = _trait(chosen, alternation)
    return points + ordered


def speakers_list(db: Session, item_id: int) -> SpeakersList:
    item = get_item(db, item_id)
    rows = list(db.scalars(select(Speaker).where(Speaker.item_id == item.id)
                           .order_by(Speaker.requested_at, Speaker.id)))
    rules = db.get(FloorRules, item.assembly_id)
    alternation = rules.alternation if rules else "none"
    heard = sorted((s for s in rows if s.state == "done"),
                   key=lambda s: (s.started_at or s.requested_at, s.id))
    speaking = next((s for s in rows if s.state == "speaking"), None)
    last_speech = next((s for s in reversed(heard) if s.kind == "speech"), None)
    if speaking is not None and speaking.kind == "speech":
        last_speech = speaking
    waiting = order_waiting([s for s in rows if s.state == "waiting"], last_speech, alternation)
    return SpeakersList(item, speaking, waiting, heard)


def request_floor(db: Session, item_id: int, delegate_id: int, kind: str, actor: str,
                  now: datetime, assembly_id: int | None = None) -> Speaker:
    """Put a delegate on the item's list. `assembly_id`, when given, is the assembly the
    request comes from: an item of another assembly is refused as not found."""
    if kind not in SPEECH_KINDS:
        raise errors.InvalidInput("%(field)s must be one of %(allowed)s.", field="kind",
                                  allowed=", ".join(SPEECH_KINDS))
    item = get_item(db, item_id)
    if assembly_id is not None and item.assembly_id != assembly_id:
        raise errors.NotFound("There is no agenda item number %(id)s.", id=item_id)
    lock_assembly(db, item.assembly_id)
    if item.state not in OPEN_STATES:
        raise errors.Conflict("The list of speakers of this item is closed: the item is done "
                              "or postponed.", code="item_closed")
    delegate = active_delegate(db, delegate_id)
    if delegate.assembly_id != item.assembly_id:
        raise errors.Conflict("This delegate is accredited to another assembly.",
                              code="not_in_assembly")
    if delegate.checked_in_at is None:
        raise errors.Forbidden("Check in at the registration desk before asking for the floor.",
                               code="not_present")
    already = db.scalar(select(Speaker.id).where(
        Speaker.item_id == item.id, Speaker.delegate_id == delegate.id, Speaker.kind == kind,
        Speaker.state.in_(("waiting", "speaking"))))
    if already is not None:
        raise errors.Conflict("This delegate is already on the list of speakers of this item.",
                              code="already_on_list")
    organization = db.get(Organization, delegate.organization_id)
    speaker = Speaker(
        item_id=item.id, delegate_id=delegate.id, name=delegate.name,
        organization_name=organization.name if organization else "",
        region=organization.region if organization else None, gender=delegate.gender,
        kind=kind, state="waiting", requested_at=now, requested_by=actor)
    db.add(speaker)
    db.flush()
    audit.record(db, actor, "speakers.request", subject(item.assembly_id, "agenda_item", item.id),
                 {"delegate_id": delegate.id, "kind": kind}, now)
    return speaker


def get_speaker(db: Session, speaker_id: int) -> Speaker:
    speaker = db.get(Speaker, speaker_id)
    if speaker is None:
        raise errors.NotFound("There is no speaker number %(id)s.", id=speaker_id)
    return speaker


def withdraw(db: Session, speaker_id: int, actor: str, now: datetime,
             delegate_id: int | None = None) -> Speaker:
    """Take a waiting request off the list (a delegate only its own)."""
    speaker = get_speaker(db, speaker_id)
    if delegate_id is not None and speaker.delegate_id != delegate_id:
        raise errors.NotFound("There is no speaker number %(id)s.", id=speaker_id)
    if speaker.state != "waiting":
        raise errors.Conflict("Only a request still waiting can be withdrawn.",
                              code="not_waiting")
    speaker.state, speaker.ended_at = "withdrawn", now
    db.flush()
    item = get_item(db, speaker.item_id)
    audit.record(db, actor, "speakers.withdraw",
                 subject(item.assembly_id, "agenda_item", item.id),
                 {"speaker": speaker.id}, now)
    return speaker


def call_next(db: Session, item_id: int, actor: str, now: datetime) -> Speaker | None:
    """The chair gives the floor to the next in order; whoever was speaking is done.
    Returns the new speaker, or None when nobody is waiting."""
    item = get_item(db, item_id)
    lock_assembly(db, item.assembly_id)
    if item.state != "current":
        raise errors.Conflict("Speakers are heard on the current item of the agenda only.",
                              code="item_not_current")
    current = speakers_list(db, item.id)
    if current.speaking is not None:
        current.speaking.state, current.speaking.ended_at = "done", now
    if not current.waiting:
        db.flush()
        return None
    speaker = current.waiting[0]
    rules = floor_rules(db, item.assembly_id)
    limit = rules.point_of_order_seconds if speaker.kind == "point_of_order" else (
        rules.speech_seconds)
    speaker.state, speaker.started_at, speaker.limit_seconds = "speaking", now, limit
    db.flush()
    audit.record(db, actor, "speakers.call", subject(item.assembly_id, "agenda_item", item.id),
                 {"speaker": speaker.id, "delegate_id": speaker.delegate_id}, now)
    return speaker


def end_speech(db: Session, item_id: int, actor: str, now: datetime) -> Speaker:
    """The current speaker's time ends (the chair's "thank you")."""
    item = get_item(db, item_id)
    current = speakers_list(db, item.id).speaking
    if current is None:
        raise errors.Conflict("Nobody has the floor.", code="nobody_speaking")
    current.state, current.ended_at = "done", now
    db.flush()
    audit.record(db, actor, "speakers.end", subject(item.assembly_id, "agenda_item", item.id),
                 {"speaker": current.id, "seconds": spoken_seconds(current)}, now)
    return current


def set_rules(db: Session, assembly_id: int, fields: dict[str, object], actor: str,
              now: datetime) -> FloorRules:
    """Speaking time (seconds per speech and per point of order) and alternation."""
    lock_assembly(db, assembly_id)
    rules = floor_rules(db, assembly_id)
    for name in ("speech_seconds", "point_of_order_seconds"):
        if name in fields:
            value = fields[name]
            if not isinstance(value, int) or isinstance(value, bool) or not 10 <= value <= 3600:
                raise errors.InvalidInput("%(field)s must be a whole number of seconds from 10 "
                                          "to 3600.", field=name)
            setattr(rules, name, value)
    if "alternation" in fields:
        if fields["alternation"] not in ALTERNATIONS:
            raise errors.InvalidInput("%(field)s must be one of %(allowed)s.",
                                      field="alternation", allowed=", ".join(ALTERNATIONS))
        rules.alternation = str(fields["alternation"])
    db.flush()
    audit.record(db, actor, "floor.rules", subject(assembly_id),
                 {"speech_seconds": rules.speech_seconds,
                  "point_of_order_seconds": rules.point_of_order_seconds,
                  "alternation": rules.alternation}, now)
    return rules
