"""Proxy pages: the history of grants and revocations (auditors read it), the grant form with an
optional letter, revoking, and downloading a letter."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from governance import errors, i18n
from governance.assemblies import letters, services
from governance.auth.current import require
from governance.auth.roles import COMMITTEE, READERS, actor
from governance.db import utcnow
from governance.web.api import path_int
from governance.web.forms import read_form, text
from governance.web.templating import render
from governance.web.transaction import in_db

BASE = "/assemblies/{assembly_id:int}"


async def _page(request: Request, error: str | None = None, status: int = 200) -> Response:
    principal = await require(request, *READERS)
    assembly_id = path_int(request, "assembly_id")
    committee = principal.has_role(*COMMITTEE)

    def load(db: Session) -> dict[str, Any]:
        assembly = services.get_assembly(db, assembly_id)
        open_ = committee and assembly.state != "closed"
        return {
            "assembly": assembly,
            "proxies": services.list_proxies(db, assembly_id),
            "givers": services.unrepresented_organizations(db, assembly_id, active_only=True)
            if open_ else [],
            "holders": services.proxy_holders(db, assembly_id, assembly.proxy_limit)
            if open_ else [],
            "committee": committee,
        }

    context = await in_db(request, load)
    context.update(error=error, max_mb=letters.MAX_BYTES // (1024 * 1024))
    return render(request, "assemblies/proxies.html", context, status_code=status)


async def proxy_list(request: Request) -> Response:
    return await _page(request)


async def proxy_grant(request: Request) -> Response:
    principal = await require(request, *COMMITTEE)
    assembly_id = path_int(request, "assembly_id")
    form = await read_form(request)
    try:
        raw_org, raw_holder = text(form, "organization_id"), text(form, "delegate_id")
        upload = form.get("letter")
        letter = None
        if isinstance(upload, UploadFile) and upload.filename:
            raw = await upload.read(letters.MAX_BYTES + 1)
            letter = (raw, upload.filename)
    finally:
        await form.close()
    settings, now = request.app.state.settings, utcnow()
    try:
        if not raw_org.isdigit() or not raw_holder.isdigit():
            raise errors.InvalidInput("Choose the organization and the delegate who will hold "
                                      "its proxy.", field="organization_id")
        await in_db(request, lambda db: services.grant_proxy(
            db, settings, assembly_id, int(raw_org), int(raw_holder), actor(principal), now,
            letter=letter), write=True)
    except (errors.InvalidInput, errors.Conflict, errors.NotFound,
            errors.PayloadTooLarge) as exc:
        status = 413 if isinstance(exc, errors.PayloadTooLarge) else 422
        return await _page(request, i18n.gettext(exc.message, **exc.params), status)
    return RedirectResponse(request.url_for("proxy_list", assembly_id=assembly_id),
                            status_code=303)


async def proxy_revoke(request: Request) -> Response:
    principal = await require(request, *COMMITTEE)
    assembly_id, proxy_id = path_int(request, "assembly_id"), path_int(request, "proxy_id")
    await read_form(request)
    now = utcnow()
    await in_db(request, lambda db: services.revoke_proxy(db, assembly_id, proxy_id,
                                                          actor(principal), now), write=True)
    return RedirectResponse(request.url_for("proxy_list", assembly_id=assembly_id),
                            status_code=303)


async def proxy_letter(request: Request) -> Response:
    await require(request, *READERS)
    assembly_id, proxy_id = path_int(request, "assembly_id"), path_int(request, "proxy_id")
    proxy = await in_db(request, lambda db: services.get_proxy(db, assembly_id, proxy_id))
    if proxy.letter_sha256 is None or proxy.letter_content_type is None:
        raise errors.NotFound("This proxy has no letter.")
    path = letters.path_of(request.app.state.settings.data_dir, proxy.letter_sha256,
                           letters.extension_of(proxy.letter_content_type))
    if not path.is_file():
        raise errors.NotFound("The letter's file is missing from the data directory.")
    # Always a download, in a sandbox: an uploaded file never runs as part of our pages.
    return FileResponse(path, media_type=proxy.letter_content_type,
                        filename=proxy.letter_filename or path.name,
                        headers={"Content-Security-Policy": "sandbox; default-src 'none'; "
                                 "base-uri 'none'; frame-ancestors 'none'"})


routes = [
    Route(BASE + "/proxies", proxy_list, methods=["GET"], name="proxy_list"),
    Route(BASE + "/proxies", proxy_grant, methods=["POST"], name="proxy_grant"),
    Route(BASE + "/proxies/{proxy_id:int}/revoke", proxy_revoke, methods=["POST"],
          name="proxy_revoke"),
    Route(BASE + "/proxies/{proxy_id:int}/letter", proxy_letter, methods=["GET"],
          name="proxy_letter"),
]
