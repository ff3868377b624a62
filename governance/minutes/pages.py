"""The minutes' pages: the staff page (draw them up, upload co-signatures) and the public
archive of signed minutes, with the PDF, the HTML and the package to verify."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from governance import errors, i18n
from governance.assemblies.assemblies import get_assembly
from governance.assemblies.models import Assembly
from governance.auth import roles
from governance.auth.roles import Principal, actor
from governance.db import utcnow
from governance.minutes import services
from governance.minutes.models import Minutes
from governance.web.api import path_int
from governance.web.forms import read_form, text
from governance.web.templating import render
from governance.web.transaction import in_transaction

BOARD, READERS = roles.BOARD, roles.READERS


def _context(db: Session, assembly_id: int) -> dict[str, Any]:
    assembly = get_assembly(db, assembly_id)
    try:
        minutes = services.latest(db, assembly_id)
    except errors.NotFound:
        minutes = None
    return {"assembly": assembly, "minutes": minutes,
            "statement": json.loads(minutes.statement) if minutes else None,
            "cosignatures": services.cosignatures(db, minutes.id) if minutes else []}


async def minutes_page(request: Request) -> Response:
    assembly_id = path_int(request, "assembly_id")
    context = await in_transaction(request, lambda db, who: {
        **_context(db, assembly_id), "board": who.has_role(*BOARD)},
        roles=READERS, write=False)
    return render(request, "minutes/page.html", {**context, "languages": i18n.LANGUAGES})


async def minutes_action(request: Request) -> Response:
    """Draw up the minutes (in the language chosen), or upload a co-signature."""
    assembly_id = path_int(request, "assembly_id")
    form = await read_form(request, check=False)
    action, now = text(form, "action"), utcnow()
    settings = request.app.state.settings

    def work(db: Session, who: Principal) -> None:
        if action == "draw_up":
            language = text(form, "language") or "es"
            if language not in i18n.LANGUAGES:
                raise errors.InvalidInput("%(field)s must be one of %(allowed)s.",
                                          field="language", allowed=", ".join(i18n.LANGUAGES))
            i18n.set_language(language)
            services.draw_up(db, settings, assembly_id, language, actor(who), now)
        elif action == "cosign":
            try:
                signature = base64.b64decode(text(form, "signature"), validate=True)
            except (binascii.Error, ValueError):
                raise errors.InvalidInput("The signature is not base64.",
                                          field="signature") from None
            pem = str(form.get("public_key_pem") or "").encode()
            services.add_cosignature(db, assembly_id, text(form, "name"), pem, signature,
                                     actor(who), now)
        else:
            raise errors.InvalidInput("Unknown action.", field="action")

    await in_transaction(request, work, roles=BOARD, write=True, form=form)
    return RedirectResponse(request.url_for("minutes_page", assembly_id=assembly_id),
                            status_code=303)


async def public_list(request: Request) -> Response:
    def load(db: Session, _who: Principal | None) -> list[Assembly]:
        ids = select(Minutes.assembly_id).distinct()
        return list(db.scalars(select(Assembly).where(Assembly.id.in_(ids))
                               .order_by(Assembly.starts_at.desc())))

    assemblies = await in_transaction(request, load, roles=roles.PUBLIC, write=False)
    return render(request, "minutes/archive_list.html", {"assemblies": assemblies})


async def public_minutes(request: Request) -> Response:
    assembly_id = path_int(request, "assembly_id")
    context = await in_transaction(request, lambda db, who: _context(db, assembly_id),
                                   roles=roles.PUBLIC, write=False)
    if context["minutes"] is None:
        raise errors.NotFound("The minutes of this assembly have not been drawn up yet.")
    return render(request, "minutes/archive.html", context)


async def public_document(request: Request) -> Response:
    assembly_id = path_int(request, "assembly_id")
    minutes = await in_transaction(request, lambda db, who: services.latest(db, assembly_id),
                                   roles=roles.PUBLIC, write=False)
    if request.url.path.endswith(".pdf"):
        return Response(minutes.pdf, media_type="application/pdf", headers={
            "Content-Disposition": f'inline; filename="minutes-{assembly_id}.pdf"'})
    return HTMLResponse(minutes.html)


routes = [
    Route("/assemblies/{assembly_id:int}/minutes", minutes_page, methods=["GET"],
          name="minutes_page"),
    Route("/assemblies/{assembly_id:int}/minutes", minutes_action, methods=["POST"],
          name="minutes_action"),
    Route("/minutes", public_list, methods=["GET"], name="minutes_archive"),
    Route("/minutes/{assembly_id:int}", public_minutes, methods=["GET"],
          name="minutes_public"),
    Route("/minutes/{assembly_id:int}/minutes.pdf", public_document, methods=["GET"],
          name="minutes_pdf"),
    Route("/minutes/{assembly_id:int}/minutes.html", public_document, methods=["GET"],
          name="minutes_html"),
]
