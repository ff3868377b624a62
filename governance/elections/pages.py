"""The elections' pages for the board and the committee: an assembly's elections with a form
for a new one, and an election's page (candidates, nominations on an organization's behalf,
acceptances, the poll, and once voted each seat explained)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ballots.seat_rules import UNFILLED_RULES
from governance import errors
from governance.assemblies.assemblies import get_assembly
from governance.auth import roles
from governance.auth.roles import Principal, actor
from governance.db import utcnow
from governance.elections import presenting, services
from governance.organizations.countries import REGION_NAMES
from governance.organizations.models import REGIONS, Organization
from governance.web.api import path_int
from governance.web.forms import read_form, text
from governance.web.templating import render
from governance.web.transaction import in_transaction

BOARD, STEWARDS, READERS = roles.BOARD, roles.STEWARDS, roles.READERS


def _list_context(db: Session, assembly_id: int) -> dict[str, Any]:
    return {"assembly": get_assembly(db, assembly_id),
            "elections": services.list_elections(db, assembly_id),
            "regions": REGIONS, "region_names": REGION_NAMES, "unfilled": UNFILLED_RULES}


async def elections_page(request: Request) -> Response:
    assembly_id = path_int(request, "assembly_id")
    context = await in_transaction(request, lambda db, who: {
        **_list_context(db, assembly_id), "board": who.has_role(*BOARD)},
        roles=READERS, write=False)
    return render(request, "elections/list.html", context)


def _form_fields(form: Any) -> dict[str, Any]:
    seats = text(form, "seats")
    if not seats.isdigit() or len(seats) > 3:
        raise errors.InvalidInput("%(field)s must be a positive whole number.", field="seats")
    reservations = [{"kind": "region", "value": region, "seats": 1}
                    for region in form.getlist("regions") if region in REGIONS]
    network = text(form, "network")
    if network:
        reservations.append({"kind": "network", "value": network, "seats": 1})
    return {"title": text(form, "title"), "seats": int(seats), "reservations": reservations,
            "parity": form.get("parity") == "on",
            "unfilled_reserved": text(form, "unfilled_reserved") or "vacant"}


async def election_create(request: Request) -> Response:
    assembly_id = path_int(request, "assembly_id")
    form = await read_form(request, check=False)
    election_id = await in_transaction(request, lambda db, who: services.create_election(
        db, assembly_id, _form_fields(form), actor(who), utcnow()).id,
        roles=BOARD, write=True, form=form)
    return RedirectResponse(request.url_for("election_page", election_id=election_id),
                            status_code=303)


async def election_page(request: Request) -> Response:
    election_id = path_int(request, "election_id")

    def load(db: Session, who: Principal) -> dict[str, Any]:
        election = services.get_election(db, election_id)
        candidates = services.candidacies(db, election.id)
        names = {services.option_key(c): f"{c.name} ({c.organization_name})"
                 for c in candidates}
        seats = services.signed_seats(db, election)
        cap = (election.seats + 1) // 2 if election.parity else election.seats
        return {
            "election": election, "assembly": get_assembly(db, election.assembly_id),
            "candidates": candidates, "region_names": REGION_NAMES,
            "group_name": presenting.group_name,
            "organizations": list(db.scalars(select(Organization).where(
                Organization.standing == "active").order_by(Organization.name))),
            "sentences": [presenting.seat_sentence(s, lambda k: names.get(k, k), cap)
                          for s in seats or []],
            "board": who.has_role(*BOARD), "stewards": who.has_role(*STEWARDS),
        }

    context = await in_transaction(request, load, roles=READERS, write=False)
    return render(request, "elections/election.html", context)


async def election_action(request: Request) -> Response:
    """Nominate on an organization's behalf, record an acceptance, or create the poll."""
    election_id = path_int(request, "election_id")
    form = await read_form(request, check=False)
    action, now = text(form, "action"), utcnow()

    def work(db: Session, principal: Principal) -> None:
        who = actor(principal)
        if action == "nominate":
            organization = text(form, "organization_id")
            if not organization.isdigit():
                raise errors.InvalidInput("Choose the organization.", field="organization_id")
            services.nominate(db, election_id, int(organization), text(form, "name"),
                              text(form, "gender") or None, who, now)
        elif action == "accept" and text(form, "candidacy_id").isdigit():
            services.accept(db, int(text(form, "candidacy_id")), who, now)
        elif action == "poll" and principal.has_role(*BOARD):
            services.create_poll(db, election_id, who, now)
        else:
            raise errors.InvalidInput("Unknown action.", field="action")

    await in_transaction(request, work, roles=STEWARDS, write=True, form=form)
    return RedirectResponse(request.url_for("election_page", election_id=election_id),
                            status_code=303)


routes = [
    Route("/assemblies/{assembly_id:int}/elections", elections_page, methods=["GET"],
          name="elections_page"),
    Route("/assemblies/{assembly_id:int}/elections", election_create, methods=["POST"],
          name="election_create"),
    Route("/elections/{election_id:int}", election_page, methods=["GET"],
          name="election_page"),
    Route("/elections/{election_id:int}", election_action, methods=["POST"],
          name="election_action"),
]
