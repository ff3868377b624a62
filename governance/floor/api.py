"""The floor's API operations: the agenda, its adoption by a poll, moving through it, the
rules of debate and the lists of speakers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from starlette.responses import Response

from governance import errors
from governance.assemblies.delegates import active_delegate
from governance.auth import roles
from governance.auth.roles import Principal, actor
from governance.db import utcnow
from governance.floor import agenda, speakers
from governance.floor.models import (
    ALTERNATIONS,
    ITEM_KINDS,
    ITEM_STATES,
    SPEECH_KINDS,
    AgendaItem,
    Speaker,
)
from governance.polls.services import check_visible
from governance.web.api import ID, Operations, Param

api = Operations(tag="floor")

CHAIR = roles.CHAIR
DELEGATE_OR_CHAIR = ("delegate", *roles.CHAIR)  # a delegate for itself, the chair for anyone
ASSEMBLY_ID = Param("assembly_id", "path", ID)
ITEM_ID = Param("item_id", "path", ID)
SPEAKER_ID = Param("speaker_id", "path", ID)
_TIME = {"type": ["string", "null"], "format": "date-time"}

ITEM_FIELDS: dict[str, Any] = {
    "title": {"type": "string", "minLength": 1, "maxLength": 300},
    "kind": {"type": "string", "enum": list(ITEM_KINDS)},
    "duration_minutes": {"type": "integer", "minimum": 1, "maximum": 600},
    "motion_id": {"type": ["integer", "null"], "minimum": 1, "maximum": ID["maximum"]},
}
NEW_ITEM: dict[str, Any] = {"type": "object", "required": ["title"],
                            "properties": ITEM_FIELDS, "additionalProperties": False}
CHANGE_ITEM: dict[str, Any] = {
    "type": "object", "minProperties": 1, "additionalProperties": False,
    "properties": {**ITEM_FIELDS, "position": {"type": "integer", "minimum": 1,
                                               "maximum": 1000}}}
ITEM: dict[str, Any] = {
    "type": "object", "required": ["id", "position", "title", "kind", "state"],
    "properties": {**ITEM_FIELDS, "id": {"type": "integer"}, "position": {"type": "integer"},
                   "state": {"type": "string", "enum": list(ITEM_STATES)},
                   "started_at": _TIME, "ended_at": _TIME},
}
RULES_FIELDS: dict[str, Any] = {
    "speech_seconds": {"type": "integer", "minimum": 10, "maximum": 3600},
    "point_of_order_seconds": {"type": "integer", "minimum": 10, "maximum": 3600},
    "alternation": {"type": "string", "enum": list(ALTERNATIONS),
                    "description": "alternate speeches by region, or by gender where recorded"},
}
RULES: dict[str, Any] = {"type": "object", "minProperties": 1, "properties": RULES_FIELDS,
                         "additionalProperties": False}
AGENDA: dict[str, Any] = {
    "type": "object", "required": ["assembly_id", "status", "items"],
    "properties": {
        "assembly_id": {"type": "integer"},
        "status": {"type": "string", "enum": ["draft", "voting", "adopted", "rejected"]},
        "poll_id": {"type": ["integer", "null"]},
        "current_item_id": {"type": ["integer", "null"]},
        "total_minutes": {"type": "integer"},
        "rules": {"type": "object", "properties": RULES_FIELDS},
        "items": {"type": "array", "items": ITEM},
    },
}
SPEAKER: dict[str, Any] = {
    "type": "object", "required": ["id", "delegate_id", "name", "kind", "state"],
    "properties": {
        "id": {"type": "integer"}, "item_id": {"type": "integer"},
        "delegate_id": {"type": "integer"}, "name": {"type": "string"},
        "organization": {"type": "string"}, "region": {"type": ["string", "null"]},
        "kind": {"type": "string", "enum": list(SPEECH_KINDS)},
        "state": {"type": "string", "enum": ["waiting", "speaking", "done", "withdrawn"]},
        "requested_at": {"type": "string"}, "started_at": _TIME, "ended_at": _TIME,
        "limit_seconds": {"type": ["integer", "null"]},
        "spoken_seconds": {"type": ["integer", "null"]},
    },
}
SPEAKERS: dict[str, Any] = {
    "type": "object", "required": ["item", "speaking", "waiting", "heard"],
    "properties": {
        "item": ITEM, "speaking": {"anyOf": [SPEAKER, {"type": "null"}]},
        "ends_at": _TIME, "remaining_seconds": {"type": ["integer", "null"]},
        "waiting": {"type": "array", "items": SPEAKER},
        "heard": {"type": "array", "items": SPEAKER},
    },
}
REQUEST: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {"kind": {"type": "string", "enum": list(SPEECH_KINDS)},
                   "delegate_id": {**ID, "description": "the chair adds this delegate"}},
}


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def item_dict(item: AgendaItem) -> dict[str, Any]:
    return {"id": item.id, "position": item.position, "title": item.title, "kind": item.kind,
            "duration_minutes": item.duration_minutes, "motion_id": item.motion_id,
            "state": item.state, "started_at": _time(item.started_at),
            "ended_at": _time(item.ended_at)}


def agenda_dict(current: agenda.Agenda) -> dict[str, Any]:
    rules = current.rules
    return {
        "assembly_id": current.assembly_id, "status": current.status,
        "poll_id": current.poll.id if current.poll else None,
        "current_item_id": current.current.id if current.current else None,
        "total_minutes": current.total_minutes,
        "rules": {"speech_seconds": rules.speech_seconds,
                  "point_of_order_seconds": rules.point_of_order_seconds,
                  "alternation": rules.alternation},
        "items": [item_dict(item) for item in current.items],
    }


def speaker_dict(speaker: Speaker) -> dict[str, Any]:
    return {"id": speaker.id, "item_id": speaker.item_id, "delegate_id": speaker.delegate_id,
            "name": speaker.name, "organization": speaker.organization_name,
            "region": speaker.region, "kind": speaker.kind, "state": speaker.state,
            "requested_at": speaker.requested_at.isoformat(),
            "started_at": _time(speaker.started_at), "ended_at": _time(speaker.ended_at),
            "limit_seconds": speaker.limit_seconds,
            "spoken_seconds": speakers.spoken_seconds(speaker)}


def speakers_dict(listed: speakers.SpeakersList, now: datetime) -> dict[str, Any]:
    return {"item": item_dict(listed.item),
            "speaking": speaker_dict(listed.speaking) if listed.speaking else None,
            "ends_at": _time(listed.ends_at), "remaining_seconds": listed.remaining(now),
            "waiting": [speaker_dict(s) for s in listed.waiting],
            "heard": [speaker_dict(s) for s in listed.heard]}


@api.op("GET", "/assemblies/{assembly_id:int}/agenda", "getAgenda",
        summary="The agenda: items in order, their states, whether it was adopted, the rules "
                "of debate", roles=roles.ANYONE, response=AGENDA, errors=[404],
        params=[ASSEMBLY_ID])
def get_agenda(db: Session, who: Principal, assembly_id: int) -> dict[str, Any]:
    check_visible(db, who, assembly_id)
    return agenda_dict(agenda.get_agenda(db, assembly_id))


@api.op("POST", "/assemblies/{assembly_id:int}/agenda/items", "addAgendaItem",
        summary="Add an item at the end of the agenda (until the agenda is put to the vote)",
        roles=CHAIR, request=NEW_ITEM, response=ITEM, status=201, errors=[404, 409],
        params=[ASSEMBLY_ID])
def add_item(db: Session, who: Principal, body: dict[str, Any],
             assembly_id: int) -> dict[str, Any]:
    return item_dict(agenda.add_item(db, assembly_id, body, actor(who), utcnow()))


@api.op("PATCH", "/agenda-items/{item_id:int}", "changeAgendaItem",
        summary="Change an item's title, kind, duration or motion, or move it (position)",
        roles=CHAIR, request=CHANGE_ITEM, response=ITEM, errors=[404, 409], params=[ITEM_ID])
def change_item(db: Session, who: Principal, body: dict[str, Any],
                item_id: int) -> dict[str, Any]:
    return item_dict(agenda.change_item(db, item_id, body, actor(who), utcnow()))


@api.op("DELETE", "/agenda-items/{item_id:int}", "removeAgendaItem",
        summary="Remove an item (until the agenda is put to the vote)", roles=CHAIR,
        status=204, errors=[404, 409], params=[ITEM_ID])
def remove_item(db: Session, who: Principal, item_id: int) -> Response:
    agenda.remove_item(db, item_id, actor(who), utcnow())
    return Response(status_code=204)


@api.op("POST", "/assemblies/{assembly_id:int}/agenda/poll", "putAgendaToVote",
        summary="Create the poll that adopts the agenda (yes/no/abstain; open it as any poll)",
        roles=CHAIR, response=AGENDA, status=201, errors=[404, 409], params=[ASSEMBLY_ID])
def put_to_vote(db: Session, who: Principal, assembly_id: int) -> dict[str, Any]:
    agenda.put_to_vote(db, assembly_id, actor(who), utcnow())
    return agenda_dict(agenda.get_agenda(db, assembly_id))


@api.op("POST", "/assemblies/{assembly_id:int}/agenda/next", "advanceAgenda",
        summary="The chair moves on: the current item is done and the next upcoming starts",
        roles=CHAIR, response=AGENDA, errors=[404, 409], params=[ASSEMBLY_ID])
def advance(db: Session, who: Principal, assembly_id: int) -> dict[str, Any]:
    agenda.advance(db, assembly_id, actor(who), utcnow())
    return agenda_dict(agenda.get_agenda(db, assembly_id))


@api.op("POST", "/agenda-items/{item_id:int}/start", "startAgendaItem",
        summary="Make this item current (the current one is done)", roles=CHAIR,
        response=ITEM, errors=[404, 409], params=[ITEM_ID])
def start_item(db: Session, who: Principal, item_id: int) -> dict[str, Any]:
    return item_dict(agenda.start_item(db, item_id, actor(who), utcnow()))


@api.op("POST", "/agenda-items/{item_id:int}/postpone", "postponeAgendaItem",
        summary="Postpone an upcoming or current item", roles=CHAIR, response=ITEM,
        errors=[404, 409], params=[ITEM_ID])
def postpone_item(db: Session, who: Principal, item_id: int) -> dict[str, Any]:
    return item_dict(agenda.postpone_item(db, item_id, actor(who), utcnow()))


@api.op("PATCH", "/assemblies/{assembly_id:int}/floor-rules", "changeFloorRules",
        summary="Speaking time per speech and per point of order; alternation of speakers",
        roles=CHAIR, request=RULES, response=AGENDA, errors=[404], params=[ASSEMBLY_ID])
def change_rules(db: Session, who: Principal, body: dict[str, Any],
                 assembly_id: int) -> dict[str, Any]:
    speakers.set_rules(db, assembly_id, body, actor(who), utcnow())
    return agenda_dict(agenda.get_agenda(db, assembly_id))


@api.op("GET", "/agenda-items/{item_id:int}/speakers", "listSpeakers",
        summary="An item's list of speakers: who has the floor and until when, who waits in "
                "order, who spoke and for how long", roles=roles.ANYONE, response=SPEAKERS,
        errors=[404], params=[ITEM_ID])
def list_speakers(db: Session, who: Principal, item_id: int) -> dict[str, Any]:
    listed = speakers.speakers_list(db, item_id)
    check_visible(db, who, listed.item.assembly_id)
    return speakers_dict(listed, utcnow())


@api.op("POST", "/agenda-items/{item_id:int}/speakers", "requestFloor",
        summary="A delegate asks for the floor (or a point of order) on an item; the chair "
                "adds a delegate with delegate_id", roles=DELEGATE_OR_CHAIR,
        request=REQUEST, response=SPEAKER, status=201, errors=[404, 409], params=[ITEM_ID])
def request_floor(db: Session, who: Principal, body: dict[str, Any],
                  item_id: int) -> dict[str, Any]:
    kind = body.get("kind", "speech")
    if who.kind == "delegate" and who.delegate_id is not None:
        if "delegate_id" in body:
            raise errors.Forbidden("A delegate asks for the floor for itself only.")
        own = active_delegate(db, who.delegate_id).assembly_id
        return speaker_dict(speakers.request_floor(
            db, item_id, who.delegate_id, kind, actor(who), utcnow(), assembly_id=own))
    if "delegate_id" not in body:
        raise errors.InvalidInput("%(field)s is required.", field="delegate_id")
    return speaker_dict(speakers.request_floor(db, item_id, body["delegate_id"], kind,
                                               actor(who), utcnow()))


@api.op("POST", "/speakers/{speaker_id:int}/withdraw", "withdrawSpeaker",
        summary="Take a waiting request off the list (a delegate: its own only)",
        roles=DELEGATE_OR_CHAIR, response=SPEAKER, errors=[404, 409], params=[SPEAKER_ID])
def withdraw(db: Session, who: Principal, speaker_id: int) -> dict[str, Any]:
    own = who.delegate_id if who.kind == "delegate" else None
    return speaker_dict(speakers.withdraw(db, speaker_id, actor(who), utcnow(),
                                          delegate_id=own))


@api.op("POST", "/agenda-items/{item_id:int}/speakers/next", "callNextSpeaker",
        summary="Give the floor to the next in order (whoever was speaking is done); the "
                "list as it now stands", roles=CHAIR, response=SPEAKERS, errors=[404, 409],
        params=[ITEM_ID])
def call_next(db: Session, who: Principal, item_id: int) -> dict[str, Any]:
    now = utcnow()
    speakers.call_next(db, item_id, actor(who), now)
    return speakers_dict(speakers.speakers_list(db, item_id), now)


@api.op("POST", "/agenda-items/{item_id:int}/speakers/end", "endSpeech",
        summary="The current speaker's time ends", roles=CHAIR, response=SPEAKER,
        errors=[404, 409], params=[ITEM_ID])
def end_speech(db: Session, who: Principal, item_id: int) -> dict[str, Any]:
    return speaker_dict(speakers.end_speech(db, item_id, actor(who), utcnow()))
