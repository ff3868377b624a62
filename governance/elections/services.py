"""Board elections: setting the seats, nominations by member organizations (window,
acceptance by the candidate, good standing), and the poll that elects the board.

The poll is an ordinary `multiple` poll over the accepted candidates (each organization marks
up to as many as there are seats, weighted like every vote); it carries the seat rules and
the candidates' public facts, so that closing it allocates the seats (ballots.seats) and
signs them with the result.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ballots.elections import Election as SignedElection
from ballots.seat_rules import Candidate, Reservation, SeatRules, SeatRulesError
from governance import errors, i18n
from governance.assemblies.assemblies import get_assembly, subject
from governance.assemblies.models import GENDERS
from governance.audit import services as audit
from governance.elections.models import Candidacy, Election
from governance.organizations.models import REGIONS, Organization, ProductNetwork
from governance.polls import services as polls
from governance.polls.models import Poll


def _seat_rules(fields: dict[str, Any]) -> SeatRules:
    try:
        return SeatRules(
            seats=fields.get("seats", 0),
            reservations=tuple(Reservation(r.get("kind", ""), r.get("value", ""),
                                           r.get("seats", 1))
                               for r in fields.get("reservations") or []),
            parity=bool(fields.get("parity", False)),
            unfilled_reserved=fields.get("unfilled_reserved") or "vacant")
    except (SeatRulesError, AttributeError) as exc:
        raise errors.InvalidInput("The seats cannot be set up: %(reason)s", field="seats",
                                  reason=str(exc)) from None


def _check_groups(db: Session, rules: SeatRules) -> None:
    networks = set(db.scalars(select(ProductNetwork.name)))
    for reservation in rules.reservations:
        known = REGIONS if reservation.kind == "region" else networks
        if reservation.value not in known:
            raise errors.InvalidInput("A seat is reserved for %(group)s, which the registry "
                                      "does not know.", field="reservations",
                                      group=reservation.value)


def create_election(db: Session, assembly_id: int, fields: dict[str, Any], actor: str,
                    now: datetime) -> Election:
    assembly = get_assembly(db, assembly_id)
    if assembly.state == "closed":
        raise errors.Conflict("The assembly is closed.", code="assembly_closed")
    title = " ".join(str(fields.get("title") or "").split())
    if not 1 <= len(title) <= 300:
        raise errors.InvalidInput("The title must have 1 to 300 characters.", field="title")
    rules = _seat_rules(fields)
    _check_groups(db, rules)
    opens, closes = fields.get("nominations_open_at"), fields.get("nominations_close_at")
    if opens and closes and closes <= opens:
        raise errors.InvalidInput("The nominations must close after they open.",
                                  field="nominations_close_at")
    election = Election(
        assembly_id=assembly.id, title=title, seats=rules.seats,
        reservations=[r.to_dict() for r in rules.reservations], parity=rules.parity,
        unfilled_reserved=rules.unfilled_reserved, nominations_open_at=opens,
        nominations_close_at=closes, created_at=now, created_by=actor)
    db.add(election)
    db.flush()
    audit.record(db, actor, "election.create", subject(assembly.id, "election", election.id),
                 {"title": title, **rules.to_dict()}, now)
    return election


def rules_of(election: Election) -> SeatRules:
    return SeatRules.from_dict({"seats": election.seats, "reservations": election.reservations,
                                "parity": election.parity,
                                "unfilled_reserved": election.unfilled_reserved})


def get_election(db: Session, election_id: int) -> Election:
    election = db.get(Election, election_id)
    if election is None:
        raise errors.NotFound("There is no election number %(id)s.", id=election_id)
    return election


def list_elections(db: Session, assembly_id: int) -> list[Election]:
    get_assembly(db, assembly_id)
    return list(db.scalars(select(Election).where(Election.assembly_id == assembly_id)
                           .order_by(Election.id)))


def candidacies(db: Session, election_id: int) -> list[Candidacy]:
    return list(db.scalars(select(Candidacy).where(Candidacy.election_id == election_id)
                           .order_by(Candidacy.id)))


def _nominations_open(election: Election, now: datetime) -> None:
    if election.poll_id is not None:
        raise errors.Conflict("The election poll exists: nominations are closed.",
                              code="nominations_closed")
    if election.nominations_open_at and now < election.nominations_open_at:
        raise errors.Conflict("Nominations are not open yet.", code="nominations_not_open")
    if election.nominations_close_at and now > election.nominations_close_at:
        raise errors.Conflict("Nominations are closed.", code="nominations_closed")


def nominate(db: Session, election_id: int, organization_id: int, name: str,
             gender: str | None, actor: str, now: datetime) -> Candidacy:
    """A member organization in good standing nominates a person."""
    election = get_election(db, election_id)
    _nominations_open(election, now)
    organization = db.get(Organization, organization_id)
    if organization is None:
        raise errors.NotFound("There is no organization number %(id)s.", id=organization_id)
    if organization.standing != "active":
        raise errors.Conflict("%(organization)s is not in good standing, so it cannot "
                              "nominate a candidate.", code="not_in_good_standing",
                              organization=organization.name)
    name = " ".join(str(name or "").split())
    if not 1 <= len(name) <= 200:
        raise errors.InvalidInput("The name must have 1 to 200 characters.", field="name")
    if gender is not None and gender not in GENDERS:
        raise errors.InvalidInput("%(field)s must be one of %(allowed)s.", field="gender",
                                  allowed=", ".join(GENDERS))
    if election.parity and gender is None:
        raise errors.InvalidInput("This election has parity: give the candidate's gender.",
                                  field="gender")
    candidacy = Candidacy(
        election_id=election.id, organization_id=organization.id,
        organization_name=organization.name, name=name, gender=gender,
        region=organization.region, networks=[n.name for n in organization.networks],
        nominated_at=now, nominated_by=actor)
    db.add(candidacy)
    db.flush()
    audit.record(db, actor, "election.nominate",
                 subject(election.assembly_id, "election", election.id),
                 {"candidacy": candidacy.id, "organization_id": organization.id, "name": name},
                 now)
    return candidacy


def get_candidacy(db: Session, candidacy_id: int) -> Candidacy:
    candidacy = db.get(Candidacy, candidacy_id)
    if candidacy is None:
        raise errors.NotFound("There is no candidacy number %(id)s.", id=candidacy_id)
    return candidacy


def accept(db: Session, candidacy_id: int, actor: str, now: datetime) -> Candidacy:
    """Record the candidate's acceptance (only accepted candidates are on the ballot)."""
    candidacy = get_candidacy(db, candidacy_id)
    election = get_election(db, candidacy.election_id)
    if election.poll_id is not None:
        raise errors.Conflict("The election poll exists: nominations are closed.",
                              code="nominations_closed")
    if candidacy.accepted_at is None:
        candidacy.accepted_at, candidacy.accepted_by = now, actor
        db.flush()
        audit.record(db, actor, "election.accept",
                     subject(election.assembly_id, "election", election.id),
                     {"candidacy": candidacy.id}, now)
    return candidacy


def option_key(candidacy: Candidacy) -> str:
    return f"c{candidacy.id}"


def create_poll(db: Session, election_id: int, actor: str, now: datetime) -> Poll:
    """The election poll over the accepted candidates; nominations close with it."""
    election = get_election(db, election_id)
    if election.poll_id is not None:
        raise errors.Conflict("This election already has its poll.", code="poll_exists")
    accepted = [c for c in candidacies(db, election.id)
                if c.accepted_at is not None and c.withdrawn_at is None]
    if not accepted:
        raise errors.Conflict("No candidate has accepted the nomination yet.",
                              code="no_accepted_candidates")
    rules = rules_of(election)
    keys = [option_key(c) for c in accepted]
    if len(keys) < 2:
        keys.append("abstain")  # a multiple poll needs an option besides the one candidate
    poll = polls.create_poll(db, election.assembly_id, {
        "title": election.title, "method": "multiple", "options": keys,
        "option_labels": {option_key(c): f"{c.name} ({c.organization_name})" for c in accepted},
        "max_choices": min(rules.seats, len(accepted)),
        "description": i18n.gettext("%(seats)s seats to fill", seats=rules.seats)}, actor, now)
    signed = SignedElection(rules, tuple(
        Candidate(option_key(c), c.region, tuple(c.networks), c.gender) for c in accepted))
    try:
        signed.check_against(polls.spec_of(poll))
    except SeatRulesError as exc:
        raise errors.Conflict("The election poll cannot be set up: %(reason)s",
                              code="bad_election", reason=str(exc)) from None
    poll.election = signed.to_dict()
    election.poll_id = poll.id
    db.flush()
    audit.record(db, actor, "election.poll", subject(election.assembly_id, "election",
                                                     election.id), {"poll": poll.id}, now)
    return poll


def signed_seats(db: Session, election: Election) -> list[dict[str, Any]] | None:
    """The seats as the signed result lists them, once the election poll is closed."""
    if election.poll_id is None:
        return None
    poll = db.get(Poll, election.poll_id)
    if poll is None or poll.result_json is None:
        return None
    section = json.loads(poll.result_json).get("election") or {}
    return list(section.get("seats") or [])
