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
from governance.auth.current import require
from governance.db import utcnow
from governance.elections import presenting, services
from governance.elections.api import BOARD, STEWARDS, api
from governance.floor.api import actor_name
from governance.organizations.countries import REGION_NAMES
from governance.organizations.models import REGIONS, Organization
from governance.web.api import path_int
from governance.web.forms import in_db, read_form, text
from governance.web.templating import render

READERS = ("board", "committee", "auditor")

__all__ = ["api", "routes"]


def _list_context(db: Session, assembly_id: int) -> dict[str, Any]:
    return {"assembly": get_assembly(db, assembly_id),
            "elections": services.list_elections(db, assembly_id),
            "regions": REGIONS, "region_names": REGION_NAMES, "unfilled": UNFILLED_RULES}


async def elections_page(request: Request) -> Response:
    principal = await require(request, *READERS)
    assembly_id = path_int(request, "assembly_id")
    context = await in_db(request, lambda db: _list_context(db, assembly_id))
    return render(request, "elections/list.html", {**context,
                                                   "board": principal.has_role(*BOARD)})


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
    principal = await require(request, *BOARD)
    assembly_id = path_int(request, "assembly_id")
    fields = _form_fields(await read_form(request))
    election = await in_db(request, lambda db: services.create_election(
        db, assembly_id, fields, actor_name(principal), utcnow()), write=True)
    return RedirectResponse(request.url_for("election_page", election_id=election.id),
                            status_code=303)


async def election_page(request: Request) -> Response:
    principal = await require(request, *READERS)
    election_id = path_int(request, "election_id")

    def load(db: Session) -> dict[str, Any]:
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
        }

    context = await in_db(request, load)
    return render(request, "elections/election.html", {
        **context, "board": principal.has_role(*BOARD),
        "stewards": principal.has_role(*STEWARDS)})


async def election_action(request: Request) -> Response:
    """Nominate on an organization's behalf, record an acceptance, or create the poll."""
    principal = await require(request, *STEWARDS)
    election_id = path_int(request, "election_id")
    form = await read_form(request)
    action, who, now = text(form, "action"), actor_name(principal), utcnow()

    def work(db: Session) -> None:
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

    await in_db(request, work, write=True)
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
