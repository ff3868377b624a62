"""The elections' API operations: creating an election, nominations, acceptance, the poll."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ballots.seat_rules import RESERVATION_KINDS, UNFILLED_RULES
from governance import errors
from governance.assemblies.assemblies import moment_of
from governance.assemblies.delegates import active_delegate
from governance.assemblies.models import GENDERS
from governance.auth import roles
from governance.auth.roles import Principal, actor
from governance.db import utcnow
from governance.elections import services
from governance.elections.models import Candidacy, Election
from governance.polls.services import check_visible
from governance.web.api import ID, Operations, Param

api = Operations(tag="elections")

BOARD = roles.BOARD
STEWARDS = roles.STEWARDS
NOMINATORS = ("delegate", *roles.STEWARDS)  # a delegate for its own organization
ASSEMBLY_ID = Param("assembly_id", "path", ID)
ELECTION_ID = Param("election_id", "path", ID)
CANDIDACY_ID = Param("candidacy_id", "path", ID)
_TIME = {"type": ["string", "null"], "format": "date-time"}

RESERVATION: dict[str, Any] = {
    "type": "object", "required": ["kind", "value"], "additionalProperties": False,
    "properties": {"kind": {"type": "string", "enum": list(RESERVATION_KINDS)},
                   "value": {"type": "string", "minLength": 1, "maxLength": 120,
                             "description": "a region code, or a network's name"},
                   "seats": {"type": "integer", "minimum": 1, "maximum": 100}},
}
NEW_ELECTION: dict[str, Any] = {
    "type": "object", "required": ["title", "seats"], "additionalProperties": False,
    "properties": {
        "title": {"type": "string", "minLength": 1, "maxLength": 300},
        "seats": {"type": "integer", "minimum": 1, "maximum": 100},
        "reservations": {"type": "array", "maxItems": 50, "items": RESERVATION},
        "parity": {"type": "boolean",
                   "description": "at most ceil(seats/2) elected of one gender"},
        "unfilled_reserved": {"type": "string", "enum": list(UNFILLED_RULES),
                              "description": "a reserved seat its group cannot fill stays "
                                             "vacant, or goes to the general list"},
        "nominations_open_at": {"type": "string", "format": "date-time"},
        "nominations_close_at": {"type": "string", "format": "date-time"},
    },
}
CANDIDACY: dict[str, Any] = {
    "type": "object", "required": ["id", "name", "organization_id", "accepted"],
    "properties": {
        "id": {"type": "integer"}, "option": {"type": "string"},
        "name": {"type": "string"}, "gender": {"type": ["string", "null"]},
        "organization_id": {"type": "integer"}, "organization": {"type": "string"},
        "region": {"type": ["string", "null"]},
        "networks": {"type": "array", "items": {"type": "string"}},
        "nominated_at": {"type": "string"}, "accepted": {"type": "boolean"},
        "accepted_at": _TIME,
    },
}
ELECTION: dict[str, Any] = {
    "type": "object", "required": ["id", "assembly_id", "title", "seats", "candidates"],
    "properties": {
        **NEW_ELECTION["properties"], "id": {"type": "integer"},
        "assembly_id": {"type": "integer"}, "poll_id": {"type": ["integer", "null"]},
        "nominations_open_at": _TIME, "nominations_close_at": _TIME,
        "candidates": {"type": "array", "items": CANDIDACY},
        "seats_filled": {"type": ["array", "null"], "items": {"type": "object"},
                         "description": "once the poll is closed: each seat as the signed "
                                        "result explains it (docs/elections.md)"},
    },
}
NOMINATION: dict[str, Any] = {
    "type": "object", "required": ["name"], "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "gender": {"type": "string", "enum": list(GENDERS)},
        "organization_id": {**ID, "description": "staff nominating on an organization's "
                                                 "behalf; a delegate nominates for its own"},
    },
}


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def candidacy_dict(candidacy: Candidacy) -> dict[str, Any]:
    return {"id": candidacy.id, "option": services.option_key(candidacy),
            "name": candidacy.name, "gender": candidacy.gender,
            "organization_id": candidacy.organization_id,
            "organization": candidacy.organization_name, "region": candidacy.region,
            "networks": list(candidacy.networks),
            "nominated_at": candidacy.nominated_at.isoformat(),
            "accepted": candidacy.accepted_at is not None,
            "accepted_at": _time(candidacy.accepted_at)}


def election_dict(db: Session, election: Election) -> dict[str, Any]:
    seats = services.signed_seats(db, election)
    return {"id": election.id, "assembly_id": election.assembly_id, "title": election.title,
            "seats": election.seats, "reservations": election.reservations,
            "parity": election.parity, "unfilled_reserved": election.unfilled_reserved,
            "nominations_open_at": _time(election.nominations_open_at),
            "nominations_close_at": _time(election.nominations_close_at),
            "poll_id": election.poll_id,
            "candidates": [candidacy_dict(c) for c in services.candidacies(db, election.id)],
            "seats_filled": seats}


@api.op("POST", "/assemblies/{assembly_id:int}/elections", "createElection",
        summary="Create a board election: seats, reservations per region or network, parity, "
                "the nomination window", roles=BOARD, request=NEW_ELECTION, response=ELECTION,
        status=201, errors=[404, 409], params=[ASSEMBLY_ID])
def create(db: Session, who: Principal, body: dict[str, Any],
           assembly_id: int) -> dict[str, Any]:
    for name in ("nominations_open_at", "nominations_close_at"):
        body[name] = moment_of(body.get(name), name, required=False)
    return election_dict(db, services.create_election(db, assembly_id, body, actor(who),
                                                      utcnow()))


@api.op("GET", "/assemblies/{assembly_id:int}/elections", "listElections",
        summary="The elections of an assembly", roles=roles.ANYONE, errors=[404],
        params=[ASSEMBLY_ID], response={"type": "object", "properties": {
            "elections": {"type": "array", "items": ELECTION}}})
def list_(db: Session, who: Principal, assembly_id: int) -> dict[str, Any]:
    check_visible(db, who, assembly_id)
    return {"elections": [election_dict(db, e)
                          for e in services.list_elections(db, assembly_id)]}


@api.op("GET", "/elections/{election_id:int}", "getElection",
        summary="An election: its seats and rules, the candidates, and once voted the seats "
                "filled with their explanation", roles=roles.ANYONE, response=ELECTION,
        errors=[404], params=[ELECTION_ID])
def get(db: Session, who: Principal, election_id: int) -> dict[str, Any]:
    election = services.get_election(db, election_id)
    check_visible(db, who, election.assembly_id)
    return election_dict(db, election)


@api.op("POST", "/elections/{election_id:int}/candidates", "nominateCandidate",
        summary="A member organization in good standing nominates a candidate (its delegate, "
                "or staff with organization_id), within the nomination window",
        roles=NOMINATORS, request=NOMINATION, response=CANDIDACY, status=201,
        errors=[404, 409], params=[ELECTION_ID])
def nominate(db: Session, who: Principal, body: dict[str, Any],
             election_id: int) -> dict[str, Any]:
    election = services.get_election(db, election_id)
    organization_id = body.get("organization_id")
    if who.kind == "delegate" and who.delegate_id is not None:
        if organization_id is not None:
            raise errors.Forbidden("A delegate nominates for its own organization only.")
        check_visible(db, who, election.assembly_id)
        organization_id = active_delegate(db, who.delegate_id).organization_id
    elif organization_id is None:
        raise errors.InvalidInput("%(field)s is required.", field="organization_id")
    return candidacy_dict(services.nominate(db, election_id, int(organization_id),
                                            body["name"], body.get("gender"), actor(who),
                                            utcnow()))


@api.op("POST", "/candidates/{candidacy_id:int}/accept", "acceptCandidacy",
        summary="Record that the candidate accepted the nomination (only accepted candidates "
                "are on the ballot)", roles=STEWARDS, response=CANDIDACY, errors=[404, 409],
        params=[CANDIDACY_ID])
def accept(db: Session, who: Principal, candidacy_id: int) -> dict[str, Any]:
    return candidacy_dict(services.accept(db, candidacy_id, actor(who), utcnow()))


@api.op("POST", "/elections/{election_id:int}/poll", "createElectionPoll",
        summary="Close the nominations and create the election poll over the accepted "
                "candidates (each organization marks up to as many as there are seats)",
        roles=BOARD, response=ELECTION, status=201, errors=[404, 409], params=[ELECTION_ID])
def create_poll(db: Session, who: Principal, election_id: int) -> dict[str, Any]:
    services.create_poll(db, election_id, actor(who), utcnow())
    return election_dict(db, services.get_election(db, election_id))
