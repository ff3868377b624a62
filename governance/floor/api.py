"""The floor's API operations: the agenda, its adoption by a poll, moving through it, the
rules of debate and the lists of speakers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from governance import errors
from governance.assemblies.delegates import active_delegate
from governance.auth.current import require
from governance.auth.services import Principal
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
from governance.web.api import ID, Operations, Param, ok, path_int, read_json
from governance.web.forms import in_db

api = Operations(tag="floor")

CHAIR = ("board",)  # the secretariat (admin) may too
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


def visible_assembly(db: Session, principal: Principal, assembly_id: int) -> None:
    """A delegate sees the floor of its own assembly only; to it, others do not exist."""
    if principal.kind == "delegate" and principal.delegate_id is not None and (
            active_delegate(db, principal.delegate_id).assembly_id != assembly_id):
        raise errors.NotFound("There is no assembly number %(id)s.", id=assembly_id)


def actor_name(principal: Principal) -> str:
    if principal.kind == "delegate":
        return f"delegate:{principal.delegate_id}"
    return f"staff:{principal.name}"


@api.op("GET", "/assemblies/{assembly_id:int}/agenda", "getAgenda",
        summary="The agenda: items in order, their states, whether it was adopted, the rules "
                "of debate", roles=["any"], response=AGENDA, errors=[404],
        params=[ASSEMBLY_ID])
async def get_agenda(request: Request) -> Response:
    principal = await require(request)
    assembly_id = path_int(request, "assembly_id")

    def load(db: Session) -> dict[str, Any]:
        visible_assembly(db, principal, assembly_id)
        return agenda_dict(agenda.get_agenda(db, assembly_id))

    return ok(await in_db(request, load))


@api.op("POST", "/assemblies/{assembly_id:int}/agenda/items", "addAgendaItem",
        summary="Add an item at the end of the agenda (until the agenda is put to the vote)",
        roles=CHAIR, request=NEW_ITEM, response=ITEM, status=201, errors=[404, 409],
        params=[ASSEMBLY_ID])
async def add_item(request: Request) -> Response:
    principal = await require(request, *CHAIR)
    assembly_id = path_int(request, "assembly_id")
    body = await read_json(request, NEW_ITEM)
    return ok(await in_db(request, lambda db: item_dict(agenda.add_item(
        db, assembly_id, body, actor_name(principal), utcnow())), write=True), status=201)


@api.op("PATCH", "/agenda-items/{item_id:int}", "changeAgendaItem",
        summary="Change an item's title, kind, duration or motion, or move it (position)",
        roles=CHAIR, request=CHANGE_ITEM, response=ITEM, errors=[404, 409], params=[ITEM_ID])
async def change_item(request: Request) -> Response:
    principal = await require(request, *CHAIR)
    item_id = path_int(request, "item_id")
    body = await read_json(request, CHANGE_ITEM)
    return ok(await in_db(request, lambda db: item_dict(agenda.change_item(
        db, item_id, body, actor_name(principal), utcnow())), write=True))


@api.op("DELETE", "/agenda-items/{item_id:int}", "removeAgendaItem",
        summary="Remove an item (until the agenda is put to the vote)", roles=CHAIR,
        status=204, errors=[404, 409], params=[ITEM_ID])
async def remove_item(request: Request) -> Response:
    principal = await require(request, *CHAIR)
    item_id = path_int(request, "item_id")
    await in_db(request, lambda db: agenda.remove_item(db, item_id, actor_name(principal),
                                                       utcnow()), write=True)
    return Response(status_code=204)


@api.op("POST", "/assemblies/{assembly_id:int}/agenda/poll", "putAgendaToVote",
        summary="Create the poll that adopts the agenda (yes/no/abstain; open it as any poll)",
        roles=CHAIR, response=AGENDA, status=201, errors=[404, 409], params=[ASSEMBLY_ID])
async def put_to_vote(request: Request) -> Response:
    principal = await require(request, *CHAIR)
    assembly_id = path_int(request, "assembly_id")

    def work(db: Session) -> dict[str, Any]:
        agenda.put_to_vote(db, assembly_id, actor_name(principal), utcnow())
        return agenda_dict(agenda.get_agenda(db, assembly_id))

    return ok(await in_db(request, work, write=True), status=201)


@api.op("POST", "/assemblies/{assembly_id:int}/agenda/next", "advanceAgenda",
        summary="The chair moves on: the current item is done and the next upcoming starts",
        roles=CHAIR, response=AGENDA, errors=[404, 409], params=[ASSEMBLY_ID])
async def advance(request: Request) -> Response:
    principal = await require(request, *CHAIR)
    assembly_id = path_int(request, "assembly_id")

    def work(db: Session) -> dict[str, Any]:
        agenda.advance(db, assembly_id, actor_name(principal), utcnow())
        return agenda_dict(agenda.get_agenda(db, assembly_id))

    return ok(await in_db(request, work, write=True))


@api.op("POST", "/agenda-items/{item_id:int}/start", "startAgendaItem",
        summary="Make this item current (the current one is done)", roles=CHAIR,
        response=ITEM, errors=[404, 409], params=[ITEM_ID])
async def start_item(request: Request) -> Response:
    principal = await require(request, *CHAIR)
    item_id = path_int(request, "item_id")
    return ok(await in_db(request, lambda db: item_dict(agenda.start_item(
        db, item_id, actor_name(principal), utcnow())), write=True))


@api.op("POST", "/agenda-items/{item_id:int}/postpone", "postponeAgendaItem",
        summary="Postpone an upcoming or current item", roles=CHAIR, response=ITEM,
        errors=[404, 409], params=[ITEM_ID])
async def postpone_item(request: Request) -> Response:
    principal = await require(request, *CHAIR)
    item_id = path_int(request, "item_id")
    return ok(await in_db(request, lambda db: item_dict(agenda.postpone_item(
        db, item_id, actor_name(principal), utcnow())), write=True))


@api.op("PATCH", "/assemblies/{assembly_id:int}/floor-rules", "changeFloorRules",
        summary="Speaking time per speech and per point of order; alternation of speakers",
        roles=CHAIR, request=RULES, response=AGENDA, errors=[404], params=[ASSEMBLY_ID])
async def change_rules(request: Request) -> Response:
    principal = await require(request, *CHAIR)
    assembly_id = path_int(request, "assembly_id")
    body = await read_json(request, RULES)

    def work(db: Session) -> dict[str, Any]:
        speakers.set_rules(db, assembly_id, body, actor_name(principal), utcnow())
        return agenda_dict(agenda.get_agenda(db, assembly_id))

    return ok(await in_db(request, work, write=True))


@api.op("GET", "/agenda-items/{item_id:int}/speakers", "listSpeakers",
        summary="An item's list of speakers: who has the floor and until when, who waits in "
                "order, who spoke and for how long", roles=["any"], response=SPEAKERS,
        errors=[404], params=[ITEM_ID])
async def list_speakers(request: Request) -> Response:
    principal = await require(request)
    item_id = path_int(request, "item_id")

    def load(db: Session) -> dict[str, Any]:
        listed = speakers.speakers_list(db, item_id)
        visible_assembly(db, principal, listed.item.assembly_id)
        return speakers_dict(listed, utcnow())

    return ok(await in_db(request, load))


@api.op("POST", "/agenda-items/{item_id:int}/speakers", "requestFloor",
        summary="A delegate asks for the floor (or a point of order) on an item; the chair "
                "adds a delegate with delegate_id", roles=["delegate", "board"],
        request=REQUEST, response=SPEAKER, status=201, errors=[404, 409], params=[ITEM_ID])
async def request_floor(request: Request) -> Response:
    principal = await require(request, "delegate", *CHAIR)
    item_id = path_int(request, "item_id")
    body = await read_json(request, REQUEST)
    kind = body.get("kind", "speech")
    if principal.kind == "delegate":
        if "delegate_id" in body:
            raise errors.Forbidden("A delegate asks for the floor for itself only.")
        delegate_id = principal.delegate_id
    elif "delegate_id" not in body:
        raise errors.InvalidInput("%(field)s is required.", field="delegate_id")
    else:
        delegate_id = body["delegate_id"]

    def work(db: Session) -> dict[str, Any]:
        own = active_delegate(db, delegate_id).assembly_id if principal.kind == "delegate" \
            else None
        return speaker_dict(speakers.request_floor(
            db, item_id, delegate_id, kind, actor_name(principal), utcnow(), assembly_id=own))

    return ok(await in_db(request, work, write=True), status=201)


@api.op("POST", "/speakers/{speaker_id:int}/withdraw", "withdrawSpeaker",
        summary="Take a waiting request off the list (a delegate: its own only)",
        roles=["delegate", "board"], response=SPEAKER, errors=[404, 409],
        params=[SPEAKER_ID])
async def withdraw(request: Request) -> Response:
    principal = await require(request, "delegate", *CHAIR)
    speaker_id = path_int(request, "speaker_id")
    own = principal.delegate_id if principal.kind == "delegate" else None
    return ok(await in_db(request, lambda db: speaker_dict(speakers.withdraw(
        db, speaker_id, actor_name(principal), utcnow(), delegate_id=own)), write=True))


@api.op("POST", "/agenda-items/{item_id:int}/speakers/next", "callNextSpeaker",
        summary="Give the floor to the next in order (whoever was speaking is done); the "
                "list as it now stands", roles=CHAIR, response=SPEAKERS, errors=[404, 409],
        params=[ITEM_ID])
async def call_next(request: Request) -> Response:
    principal = await require(request, *CHAIR)
    item_id = path_int(request, "item_id")

    def work(db: Session) -> dict[str, Any]:
        now = utcnow()
        speakers.call_next(db, item_id, actor_name(principal), now)
        return speakers_dict(speakers.speakers_list(db, item_id), now)

    return ok(await in_db(request, work, write=True))


@api.op("POST", "/agenda-items/{item_id:int}/speakers/end", "endSpeech",
        summary="The current speaker's time ends", roles=CHAIR, response=SPEAKER,
        errors=[404, 409], params=[ITEM_ID])
async def end_speech(request: Request) -> Response:
    principal = await require(request, *CHAIR)
    item_id = path_int(request, "item_id")
    return ok(await in_db(request, lambda db: speaker_dict(speakers.end_speech(
        db, item_id, actor_name(principal), utcnow())), write=True))
