"""The delegate's own page ("my assembly"): where a delegate lands after logging in."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from governance.assemblies import services
from governance.assemblies.assemblies import CHECK_IN_STATES
from governance.auth.current import require_delegate
from governance.db import utcnow
from governance.web.forms import read_form
from governance.web.templating import render
from governance.web.transaction import in_db


def _load(db: Session, delegate_id: int) -> dict[str, Any]:
    delegate = services.active_delegate(db, delegate_id)
    assembly = services.get_assembly(db, delegate.assembly_id)
    return {
        "delegate": delegate, "assembly": assembly,
        "represents": services.represented_organizations(db, delegate_id),
        "may_check_in": assembly.self_check_in and assembly.state in CHECK_IN_STATES
        and delegate.checked_in_at is None,
    }


async def delegate_home(request: Request) -> Response:
    delegate_id = await require_delegate(request)
    return render(request, "assemblies/me.html", await in_db(request, lambda db: _load(
        db, delegate_id)))


async def delegate_self_check_in(request: Request) -> Response:
    delegate_id = await require_delegate(request)
    await read_form(request)
    now = utcnow()
    await in_db(request, lambda db: services.self_check_in(db, delegate_id, now), write=True)
    return RedirectResponse(request.url_for("delegate_home"), status_code=303)


routes = [
    Route("/me", delegate_home, methods=["GET"], name="delegate_home"),
    Route("/me/check-in", delegate_self_check_in, methods=["POST"],
          name="delegate_self_check_in"),
]
