"""The polls' API operations: createPoll, getPoll, openPoll, closePoll, castBallot,
getPollStatus (and listPolls, enterTellerBallot)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ballots.polls import MAJORITIES, METHODS
from governance.auth import roles
from governance.auth.roles import Principal, actor
from governance.db import utcnow
from governance.polls import casting, services
from governance.polls.models import Poll
from governance.results.services import sealer
from governance.settings import Settings
from governance.web.api import ID, Operations, Param

api = Operations(tag="polls")

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
        roles=roles.CHAIR, request=CREATE, response=POLL, status=201, errors=[404, 409])
def create(db: Session, who: Principal, body: dict[str, Any]) -> dict[str, Any]:
    return poll_dict(services.create_poll(db, body["assembly_id"], body, actor(who), utcnow()))


@api.op("GET", "/polls/{poll_id:int}", "getPoll", summary="Read a poll", roles=roles.ANYONE,
        response=POLL, errors=[404], params=[POLL_ID])
def get(db: Session, who: Principal, poll_id: int) -> dict[str, Any]:
    return poll_dict(services.visible_poll(db, who, poll_id))


@api.op("GET", "/assemblies/{assembly_id:int}/polls", "listPolls",
        summary="The polls of an assembly", roles=roles.ANYONE, errors=[404],
        params=[Param("assembly_id", "path", ID)],
        response={"type": "object", "properties": {"polls": {"type": "array", "items": POLL}}})
def list_(db: Session, who: Principal, assembly_id: int) -> dict[str, Any]:
    return {"polls": [poll_dict(p) for p in services.visible_polls(db, who, assembly_id)]}


@api.op("POST", "/polls/{poll_id:int}/open", "openPoll", summary="Open a poll for voting",
        roles=roles.CHAIR, response=POLL, errors=[404, 409], params=[POLL_ID])
def open_(db: Session, who: Principal, poll_id: int) -> dict[str, Any]:
    return poll_dict(services.open_poll(db, poll_id, actor(who), utcnow()))


@api.op("POST", "/polls/{poll_id:int}/close", "closePoll",
        summary="Close a poll: tally, outcome, ledger root and signature",
        roles=roles.CHAIR, response=POLL, errors=[404, 409], params=[POLL_ID])
def close(db: Session, who: Principal, settings: Settings, poll_id: int) -> dict[str, Any]:
    return poll_dict(services.close_poll(db, sealer(settings), poll_id, actor(who), utcnow()))


@api.op("POST", "/polls/{poll_id:int}/ballots", "castBallot",
        summary="Cast the ballot of the delegate's organization, or with organization_id of "
                "an organization whose proxy it holds; returns the receipt",
        roles=roles.DELEGATE, request=BALLOT, response=RECEIPT, status=201,
        errors=[404, 409, 503], params=[POLL_ID], batched=True)
def cast(db: Session, who: Principal, body: dict[str, Any], poll_id: int) -> dict[str, Any]:
    """One piece of the process's ballot writer (polls/writer.py): the session, the body and
    every check read in the transaction that inserts the ballot, committed with the ballots
    that arrived at the same moment, before the receipt is returned."""
    organization_id = body.pop("organization_id", None)
    caster = casting.delegate_by_id(db, who.delegate_id or 0)
    return receipt_dict(casting.cast(db, caster, poll_id, body, utcnow(), organization_id))


@api.op("POST", "/polls/{poll_id:int}/teller-ballots", "enterTellerBallot",
        summary="A teller enters the ballot of a present delegate who has no device",
        roles=roles.TELLERS, request=TELLER_BALLOT, response=RECEIPT, status=201,
        errors=[404, 409, 503], params=[POLL_ID], batched=True)
def teller(db: Session, who: Principal, body: dict[str, Any], poll_id: int) -> dict[str, Any]:
    delegate_id = body.pop("delegate_id")
    organization_id = body.pop("organization_id", None)
    return receipt_dict(casting.cast(db, casting.delegate_by_id(db, delegate_id), poll_id, body,
                                     utcnow(), organization_id, teller=who.name))


@api.op("GET", "/polls/{poll_id:int}/status", "getPollStatus",
        summary="Live turnout by weight and by organizations", roles=roles.ANYONE,
        response=STATUS, errors=[404], params=[POLL_ID])
def status(db: Session, who: Principal, poll_id: int) -> dict[str, Any]:
    poll = services.visible_poll(db, who, poll_id)
    return status_dict(poll, services.turnout(db, poll))
