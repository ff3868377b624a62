"""The polls' API operations: createPoll, getPoll, openPoll, closePoll, castBallot,
getPollStatus (and listPolls, enterTellerBallot)."""

from __future__ import annotations

from typing import Any, NoReturn

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from ballots.polls import MAJORITIES, METHODS
from governance import errors
from governance.assemblies import services as assemblies
from governance.auth import services as auth
from governance.auth.current import request_token, require
from governance.auth.services import Principal
from governance.db import utcnow
from governance.polls import casting, services
from governance.polls.models import Poll
from governance.results.services import sealer
from governance.web.api import (
    ID,
    MAX_JSON_BYTES,
    Operations,
    Param,
    ok,
    parse_json,
    path_int,
    read_body,
    read_json,
)
from governance.web.forms import in_db

api = Operations(tag="polls")

CHAIR = ("board",)  # the secretariat (admin) may too
TELLERS = ("committee",)
POLL_ID = Param("poll_id", "path", ID)

RULES: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "majority": {"type": "string", "enum": list(MAJORITIES)},
        "double_weight_pct": {"type": "integer", "minimum": 0, "maximum": 100},
        "double_orgs_pct": {"type": "integer", "minimum": 0, "maximum": 100},
        "abstentions_count": {"type": "boolean"},
        "quorum_weight_pct": {"type": "integer", "minimum": 0, "maximum": 100},
        "quorum_orgs_pct": {"type": "integer", "minimum": 0, "maximum": 100},
        "quorum_mode": {"type": "string", "enum": ["and", "or"]},
        "tie": {"type": "string", "enum": ["rejected", "chair"]},
    },
}
OPTION_KEY: dict[str, Any] = {"type": "string", "pattern": "^[a-z0-9_-]{1,32}$"}
CREATE: dict[str, Any] = {
    "type": "object",
    "required": ["assembly_id", "title", "method"],
    "additionalProperties": False,
    "properties": {
        "assembly_id": ID,
        "title": {"type": "string", "minLength": 1, "maxLength": 300},
        "description": {"type": "string", "maxLength": 10000},
        "method": {"type": "string", "enum": list(METHODS)},
        "options": {"type": "array", "items": OPTION_KEY, "maxItems": 100},
        "option_labels": {"type": "object", "maxProperties": 100, "propertyNames": OPTION_KEY,
                          "additionalProperties": {"type": "string", "maxLength": 200}},
        "max_choices": {"type": "integer", "minimum": 1, "maximum": 100},
        "allow_split": {"type": "boolean"},
        "allow_revote": {"type": "boolean"},
        "secret": {"type": "boolean"},
        "rules": RULES,
        "motion_id": {"type": ["integer", "null"], "minimum": 1, "maximum": ID["maximum"]},
        "objective_number": {"type": ["integer", "null"], "minimum": 1, "maximum": 1000},
    },
}
POLL: dict[str, Any] = {
    "type": "object",
    "required": ["id", "assembly_id", "title", "method", "options", "allow_split",
                 "allow_revote", "state"],
    "properties": {
        "id": {"type": "integer"}, "assembly_id": {"type": "integer"},
        "title": {"type": "string"}, "description": {"type": "string"},
        "method": {"type": "string", "enum": list(METHODS)},
        "options": {"type": "array", "items": {"type": "string"}},
        "option_labels": {"type": "object"},
        "max_choices": {"type": "integer"}, "allow_split": {"type": "boolean"},
        "allow_revote": {"type": "boolean"}, "secret": {"type": "boolean"},
        "rules": {"type": "object"},
        "state": {"type": "string", "enum": ["draft", "open", "closed"]},
        "opened_at": {"type": ["string", "null"]}, "closed_at": {"type": ["string", "null"]},
        "outcome": {"type": ["string", "null"]},
        "motion_id": {"type": ["integer", "null"]},
        "objective_number": {"type": ["integer", "null"]},
    },
}
BALLOT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "minProperties": 1,
    "properties": {
        "organization_id": {**ID, "description": "vote as proxy for this organization"},
        "choice": OPTION_KEY,
        "choices": {"type": "array", "items": OPTION_KEY, "maxItems": 100},
        "split": {"type": "object", "maxProperties": 100, "additionalProperties": {
            "type": "integer", "minimum": 0, "maximum": 10_000_000}},
    },
}
TELLER_BALLOT: dict[str, Any] = {
    **BALLOT, "required": ["delegate_id"],
    "properties": {**BALLOT["properties"], "delegate_id": ID},
}
RECEIPT: dict[str, Any] = {
    "type": "object", "required": ["receipt", "seq", "poll_id", "organization_id"],
    "properties": {"receipt": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                   "seq": {"type": "integer"}, "poll_id": {"type": "integer"},
                   "organization_id": {"type": "integer"}, "cast_at": {"type": "string"}},
}
STATUS: dict[str, Any] = {
    "type": "object",
    "required": ["cast_weight", "present_weight", "total_weight", "state"],
    "properties": {k: {"type": "integer"} for k in (
        "cast_weight", "present_weight", "total_weight", "cast_organizations",
        "present_organizations", "total_organizations", "ballots")}
    | {"state": {"type": "string"}},
}


def check_visible(db: Any, principal: Principal, assembly_id: int, poll_id: int | None = None,
                  ) -> None:
    """A delegate sees the polls of its own assembly only; to it, others do not exist."""
    if principal.kind != "delegate" or principal.delegate_id is None:
        return
    if assemblies.active_delegate(db, principal.delegate_id).assembly_id != assembly_id:
        if poll_id is None:
            raise errors.NotFound("There is no assembly number %(id)s.", id=assembly_id)
        raise errors.NotFound("There is no poll number %(id)s.", id=poll_id)


def visible_poll(db: Any, principal: Principal, poll_id: int) -> Poll:
    poll = services.get_poll(db, poll_id)
    check_visible(db, principal, poll.assembly_id, poll_id)
    return poll


def poll_dict(poll: Poll) -> dict[str, Any]:
    return {
        "id": poll.id, "assembly_id": poll.assembly_id, "title": poll.title,
        "description": poll.description, "method": poll.method, "options": poll.options,
        "option_labels": poll.option_labels, "max_choices": poll.max_choices,
        "allow_split": poll.allow_split, "allow_revote": poll.allow_revote,
        "secret": poll.secret, "rules": poll.rules, "state": poll.state,
        "opened_at": services.rfc3339(poll.opened_at) if poll.opened_at else None,
        "closed_at": services.rfc3339(poll.closed_at) if poll.closed_at else None,
        "outcome": poll.outcome, "motion_id": poll.motion_id,
        "objective_number": poll.objective_number,
    }


def receipt_dict(ballot: Any) -> dict[str, Any]:
    return {"receipt": ballot.receipt, "seq": ballot.seq, "poll_id": ballot.poll_id,
            "organization_id": ballot.organization_id, "cast_at": services.rfc3339(ballot.cast_at)}


def status_dict(poll: Poll, turnout: services.Turnout) -> dict[str, Any]:
    return {"state": poll.state, **turnout.__dict__}


@api.op("POST", "/polls", "createPoll", summary="Create a poll (a draft) in an assembly",
        roles=CHAIR, request=CREATE, response=POLL, status=201, errors=[404, 409])
async def create(request: Request) -> Response:
    principal = await require(request, *CHAIR)
    body = await read_json(request, CREATE)
    poll = await in_db(request, lambda db: poll_dict(services.create_poll(
        db, body["assembly_id"], body, f"staff:{principal.name}", utcnow())), write=True)
    return ok(poll, status=201)


@api.op("GET", "/polls/{poll_id:int}", "getPoll", summary="Read a poll", roles=["any"],
        response=POLL, errors=[404], params=[POLL_ID])
async def get(request: Request) -> Response:
    principal = await require(request)
    poll_id = path_int(request, "poll_id")
    return ok(await in_db(request, lambda db: poll_dict(visible_poll(db, principal, poll_id))))


@api.op("GET", "/assemblies/{assembly_id:int}/polls", "listPolls",
        summary="The polls of an assembly", roles=["any"], errors=[404],
        params=[Param("assembly_id", "path", ID)],
        response={"type": "object", "properties": {"polls": {"type": "array", "items": POLL}}})
async def list_(request: Request) -> Response:
    principal = await require(request)
    assembly_id = path_int(request, "assembly_id")

    def load(db: Any) -> list[dict[str, Any]]:
        assemblies.get_assembly(db, assembly_id)
        check_visible(db, principal, assembly_id)
        return [poll_dict(p) for p in services.list_polls(db, assembly_id)]

    return ok({"polls": await in_db(request, load)})


@api.op("POST", "/polls/{poll_id:int}/open", "openPoll", summary="Open a poll for voting",
        roles=CHAIR, response=POLL, errors=[404, 409], params=[POLL_ID])
async def open_(request: Request) -> Response:
    principal = await require(request, *CHAIR)
    poll_id = path_int(request, "poll_id")
    return ok(await in_db(request, lambda db: poll_dict(services.open_poll(
        db, poll_id, f"staff:{principal.name}", utcnow())), write=True))


@api.op("POST", "/polls/{poll_id:int}/close", "closePoll",
        summary="Close a poll: tally, outcome, ledger root and signature",
        roles=CHAIR, response=POLL, errors=[404, 409], params=[POLL_ID])
async def close(request: Request) -> Response:
    principal = await require(request, *CHAIR)
    poll_id = path_int(request, "poll_id")
    seal = sealer(request.app.state.settings)
    return ok(await in_db(request, lambda db: poll_dict(services.close_poll(
        db, seal, poll_id, f"staff:{principal.name}", utcnow())), write=True))


@api.op("POST", "/polls/{poll_id:int}/ballots", "castBallot",
        summary="Cast the ballot of the delegate's organization, or with organization_id of "
                "an organization whose proxy it holds; returns the receipt",
        roles=["delegate"], request=BALLOT, response=RECEIPT, status=201,
        errors=[404, 409, 503], params=[POLL_ID])
async def cast(request: Request) -> Response:
    """The whole ballot is one piece of the process's ballot writer (polls/writer.py): the
    session, the body and every check are read in the transaction that inserts it, committed
    with the ballots that arrived at the same moment, before the receipt is returned."""
    token = request_token(request)
    if token is None:
        raise errors.NotAuthenticated("Log in to continue.")
    poll_id = path_int(request, "poll_id")
    raw = await read_body(request, MAX_JSON_BYTES)
    settings = request.app.state.settings
    now = utcnow()

    def work(db: Session) -> dict[str, Any]:
        caster = casting.delegate_session(db, settings, token, now)
        if caster is None:
            not_a_delegate(db, settings, token, now)
        body = parse_json(raw, BALLOT)
        organization_id = body.pop("organization_id", None)
        return receipt_dict(casting.cast(db, caster, poll_id, body, now, organization_id))

    return ok(await request.app.state.ballot_writer.run(work), status=201)


def not_a_delegate(db: Session, settings: Any, token: str, now: Any) -> NoReturn:
    """Why a token that names no delegate cannot cast: no session (401), or staff (403)."""
    if auth.resolve(db, settings, token, now) is None:
        raise errors.NotAuthenticated("Log in to continue.")
    raise errors.Forbidden("This page is for delegates. Log in with your credential.",
                           code="not_a_delegate")


@api.op("POST", "/polls/{poll_id:int}/teller-ballots", "enterTellerBallot",
        summary="A teller enters the ballot of a present delegate who has no device",
        roles=TELLERS, request=TELLER_BALLOT, response=RECEIPT, status=201,
        errors=[404, 409, 503], params=[POLL_ID])
async def teller(request: Request) -> Response:
    principal = await require(request, *TELLERS)
    poll_id = path_int(request, "poll_id")
    body = await read_json(request, TELLER_BALLOT)
    delegate_id = body.pop("delegate_id")
    organization_id = body.pop("organization_id", None)
    now = utcnow()
    ballot = await request.app.state.ballot_writer.run(lambda db: receipt_dict(casting.cast(
        db, casting.delegate_by_id(db, delegate_id), poll_id, body, now, organization_id,
        teller=principal.name)))
    return ok(ballot, status=201)


@api.op("GET", "/polls/{poll_id:int}/status", "getPollStatus",
        summary="Live turnout by weight and by organizations", roles=["any"], response=STATUS,
        errors=[404], params=[POLL_ID])
async def status(request: Request) -> Response:
    principal = await require(request)
    poll_id = path_int(request, "poll_id")

    def load(db: Any) -> dict[str, Any]:
        poll = visible_poll(db, principal, poll_id)
        return status_dict(poll, services.turnout(db, poll))

    return ok(await in_db(request, load))


