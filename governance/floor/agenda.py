"""The agenda of an assembly: its items in order, adopting it by a poll, and moving through it.

An item is upcoming, current, done or postponed; at most one is current. The chair moves on
with one click (`advance`): the current item is done, the next upcoming one starts. Once the
assembly has adopted the agenda by a poll, its items are fixed (only their states move).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from governance import errors, i18n
from governance.assemblies.assemblies import get_assembly, lock_assembly, subject
from governance.audit import services as audit
from governance.floor.models import ITEM_KINDS, AgendaItem, FloorRules, Speaker
from governance.motions.models import Motion
from governance.polls import services as polls
from governance.polls.models import Poll


@dataclass(frozen=True)
class Agenda:
    """An assembly's agenda as the pages and the API show it."""

    assembly_id: int
    items: list[AgendaItem]
    status: str  # draft | voting | adopted | rejected
    poll: Poll | None
    rules: FloorRules

    @property
    def current(self) -> AgendaItem | None:
        return next((item for item in self.items if item.state == "current"), None)

    @property
    def total_minutes(self) -> int:
        return sum(item.duration_minutes for item in self.items)


def floor_rules(db: Session, assembly_id: int) -> FloorRules:
    """The assembly's rules of debate, created with the defaults the first time."""
    rules = db.get(FloorRules, assembly_id)
    if rules is None:
        rules = FloorRules(assembly_id=assembly_id, speech_seconds=180,
                           point_of_order_seconds=60, alternation="none")
        db.add(rules)
        db.flush()
    return rules


def _status(poll: Poll | None) -> str:
    if poll is None:
        return "draft"
    if poll.state != "closed":
        return "voting"
    return "adopted" if poll.outcome == "adopted" else "rejected"


def get_agenda(db: Session, assembly_id: int) -> Agenda:
    get_assembly(db, assembly_id)
    rules = db.get(FloorRules, assembly_id) or FloorRules(
        assembly_id=assembly_id, speech_seconds=180, point_of_order_seconds=60,
        alternation="none")
    poll = db.get(Poll, rules.agenda_poll_id) if rules.agenda_poll_id else None
    items = list(db.scalars(select(AgendaItem).where(AgendaItem.assembly_id == assembly_id)
                            .order_by(AgendaItem.position, AgendaItem.id)))
    return Agenda(assembly_id, items, _status(poll), poll, rules)


def get_item(db: Session, item_id: int) -> AgendaItem:
    item = db.get(AgendaItem, item_id)
    if item is None:
        raise errors.NotFound("There is no agenda item number %(id)s.", id=item_id)
    return item


def _editable(db: Session, assembly_id: int) -> None:
    """Items can be added, changed or removed until the agenda is put to the vote."""
    assembly = lock_assembly(db, assembly_id)
    if assembly.state == "closed":
        raise errors.Conflict("The assembly is closed.", code="assembly_closed")
    status = get_agenda(db, assembly_id).status
    if status in ("voting", "adopted"):
        raise errors.Conflict("The agenda has been put to the vote; its items can no longer "
                              "change.", code="agenda_adopted")


def _clean(db: Session, fields: dict[str, Any], partial: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "title" in fields or not partial:
        title = " ".join(str(fields.get("title") or "").split())
        if not 1 <= len(title) <= 300:
            raise errors.InvalidInput("The title must have 1 to 300 characters.", field="title")
        values["title"] = title
    if "kind" in fields or not partial:
        kind = fields.get("kind") or "other"
        if kind not in ITEM_KINDS:
            raise errors.InvalidInput("%(field)s must be one of %(allowed)s.", field="kind",
                                      allowed=", ".join(ITEM_KINDS))
        values["kind"] = kind
    if "duration_minutes" in fields or not partial:
        minutes = fields.get("duration_minutes", 15)
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 600:
            raise errors.InvalidInput("The duration must be a whole number of minutes from 1 "
                                      "to 600.", field="duration_minutes")
        values["duration_minutes"] = minutes
    if fields.get("motion_id") is not None:
        if db.get(Motion, fields["motion_id"]) is None:
            raise errors.InvalidInput("There is no motion number %(id)s.", field="motion_id",
                                      id=fields["motion_id"])
        values["motion_id"] = fields["motion_id"]
    return values


def add_item(db: Session, assembly_id: int, fields: dict[str, Any], actor: str,
             now: datetime) -> AgendaItem:
    _editable(db, assembly_id)
    values = _clean(db, fields, partial=False)
    last = db.scalar(select(func.max(AgendaItem.position))
                     .where(AgendaItem.assembly_id == assembly_id)) or 0
    item = AgendaItem(assembly_id=assembly_id, position=last + 1, state="upcoming",
                      created_at=now, **values)
    db.add(item)
    db.flush()
    audit.record(db, actor, "agenda.add", subject(assembly_id, "agenda_item", item.id),
                 {"title": item.title, "position": item.position}, now)
    return item


def change_item(db: Session, item_id: int, fields: dict[str, Any], actor: str,
                now: datetime) -> AgendaItem:
    """Change an item's title, kind, duration or motion; `position` moves it in the order."""
    item = get_item(db, item_id)
    _editable(db, item.assembly_id)
    values = _clean(db, fields, partial=True)
    for name, value in values.items():
        setattr(item, name, value)
    if fields.get("position") is not None:
        _move(db, item, int(fields["position"]))
    db.flush()
    audit.record(db, actor, "agenda.change", subject(item.assembly_id, "agenda_item", item.id),
                 {**values, "position": item.position}, now)
    return item


def _move(db: Session, item: AgendaItem, position: int) -> None:
    items = [i for i in get_agenda(db, item.assembly_id).items if i.id != item.id]
    position = max(1, min(position, len(items) + 1))
    items.insert(position - 1, item)
    for number, each in enumerate(items, start=1):
        each.position = number


def remove_item(db: Session, item_id: int, actor: str, now: datetime) -> None:
    item = get_item(db, item_id)
    _editable(db, item.assembly_id)
    if db.scalar(select(Speaker.id).where(Speaker.item_id == item.id).limit(1)) is not None:
        raise errors.Conflict("Delegates have asked for the floor on this item; postpone it "
                              "instead.", code="item_has_speakers")
    assembly_id = item.assembly_id
    db.delete(item)
    db.flush()
    for number, each in enumerate(get_agenda(db, assembly_id).items, start=1):
        each.position = number
    audit.record(db, actor, "agenda.remove", subject(assembly_id, "agenda_item", item_id),
                 {"title": item.title}, now)


def put_to_vote(db: Session, assembly_id: int, actor: str, now: datetime) -> Poll:
    """A yes/no/abstain poll on the agenda as it stands (its items listed in the poll's
    description, so the signed result says what was adopted)."""
    _editable(db, assembly_id)
    agenda = get_agenda(db, assembly_id)
    if not agenda.items:
        raise errors.Conflict("The agenda has no items yet.", code="agenda_empty")
    lines = [f"{item.position}. {item.title} ({item.duration_minutes} min)"
             for item in agenda.items]
    poll = polls.create_poll(db, assembly_id, {
        "title": i18n.gettext("Adoption of the agenda"), "method": "yes_no_abstain",
        "description": "\n".join(lines)}, actor, now)
    floor_rules(db, assembly_id).agenda_poll_id = poll.id
    db.flush()
    audit.record(db, actor, "agenda.to_vote", subject(assembly_id), {"poll": poll.id}, now)
    return poll


def _require_session(db: Session, assembly_id: int) -> None:
    if lock_assembly(db, assembly_id).state != "in_session":
        raise errors.Conflict("The agenda moves only while the assembly is in session.",
                              code="assembly_not_in_session")


def _finish(db: Session, item: AgendaItem, now: datetime) -> None:
    item.state, item.ended_at = "done", now
    db.execute(update(Speaker).where(Speaker.item_id == item.id, Speaker.state == "speaking")
               .values(state="done", ended_at=now))


def start_item(db: Session, item_id: int, actor: str, now: datetime) -> AgendaItem:
    """Make this item current; the item that was current is done."""
    item = get_item(db, item_id)
    _require_session(db, item.assembly_id)
    if item.state == "done":
        raise errors.Conflict("This item is already done.", code="item_done")
    current = get_agenda(db, item.assembly_id).current
    if current is not None and current.id != item.id:
        _finish(db, current, now)
    if item.state != "current":
        item.state, item.started_at, item.ended_at = "current", now, None
    db.flush()
    audit.record(db, actor, "agenda.start", subject(item.assembly_id, "agenda_item", item.id),
                 {"title": item.title}, now)
    return item


def advance(db: Session, assembly_id: int, actor: str, now: datetime) -> AgendaItem | None:
    """The chair's one click: the current item is done and the next upcoming one starts.
    Returns the new current item, or None at the end of the agenda."""
    _require_session(db, assembly_id)
    agenda = get_agenda(db, assembly_id)
    current = agenda.current
    if current is not None:
        _finish(db, current, now)
        audit.record(db, actor, "agenda.done",
                     subject(assembly_id, "agenda_item", current.id), {"title": current.title},
                     now)
    following = next((i for i in agenda.items if i.state == "upcoming"), None)
    if following is None:
        if current is None:
            raise errors.Conflict("No item of the agenda is left.", code="agenda_finished")
        db.flush()
        return None
    return start_item(db, following.id, actor, now)


def postpone_item(db: Session, item_id: int, actor: str, now: datetime) -> AgendaItem:
    item = get_item(db, item_id)
    _require_session(db, item.assembly_id)
    if item.state not in ("upcoming", "current"):
        raise errors.Conflict("Only an upcoming or current item can be postponed.",
                              code="item_not_open")
    if item.state == "current":
        db.execute(update(Speaker).where(Speaker.item_id == item.id,
                                         Speaker.state == "speaking")
                   .values(state="done", ended_at=now))
    item.state = "postponed"
    db.flush()
    audit.record(db, actor, "agenda.postpone",
                 subject(item.assembly_id, "agenda_item", item.id), {"title": item.title}, now)
    return item
