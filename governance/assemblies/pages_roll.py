"""The roll page: the weight table, charts of weight shares, and the live quorum status."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from governance import i18n
from governance.assemblies import services
from governance.assemblies.assemblies import FREEZE_STATES
from governance.assemblies.roll import OTHERS
from governance.auth.current import require
from governance.auth.roles import COMMITTEE, READERS, actor
from governance.db import utcnow
from governance.organizations.countries import country_name
from governance.web.api import path_int
from governance.web.forms import read_form
from governance.web.templating import render
from governance.web.transaction import in_db

BASE = "/assemblies/{assembly_id:int}"


def organization_label(label: str) -> str:
    return i18n.gettext("All the others") if label == OTHERS else label


def _load(db: Session, assembly_id: int, with_shares: bool) -> dict[str, Any]:
    assembly = services.get_assembly(db, assembly_id)
    rows, frozen = services.current_roll(db, assembly_id)
    return {"assembly": assembly, "rows": rows, "frozen": frozen,
            "quorum": services.quorum(assembly, rows),
            "shares": services.weight_shares(db, rows) if with_shares else {}}


async def roll_page(request: Request) -> Response:
    principal = await require(request, *READERS)
    assembly_id = path_int(request, "assembly_id")
    context = await in_db(request, lambda db: _load(db, assembly_id, True))
    context.update(
        country_name=country_name, organization_label=organization_label,
        may_freeze=principal.has_role(*COMMITTEE) and not context["frozen"]
        and context["assembly"].state in FREEZE_STATES)
    return render(request, "assemblies/roll.html", context)


async def roll_quorum(request: Request) -> Response:
    """The quorum box alone, which the roll page reloads every few seconds."""
    await require(request, *READERS)
    assembly_id = path_int(request, "assembly_id")
    context = await in_db(request, lambda db: _load(db, assembly_id, False))
    response = render(request, "assemblies/_quorum.html", context)
    response.headers["Cache-Control"] = "no-store"
    return response


async def roll_freeze(request: Request) -> Response:
    principal = await require(request, *COMMITTEE)
    assembly_id = path_int(request, "assembly_id")
    await read_form(request)
    now = utcnow()
    await in_db(request, lambda db: services.freeze_roll(db, assembly_id, actor(principal), now),
                write=True)
    return RedirectResponse(request.url_for("roll_page", assembly_id=assembly_id),
                            status_code=303)


routes = [
    Route(BASE + "/roll", roll_page, methods=["GET"], name="roll_page"),
    Route(BASE + "/roll/quorum", roll_quorum, methods=["GET"], name="roll_quorum"),
    Route(BASE + "/roll/freeze", roll_freeze, methods=["POST"], name="roll_freeze"),
]
