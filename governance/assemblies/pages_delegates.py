"""The credentials committee's pages: the searchable delegate list, accrediting, re-issuing and
revoking, check-in (from the list or by the sheet's QR code) and the credential sheets."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from governance import errors, i18n
from governance.assemblies import services, sheets
from governance.assemblies.common import login_url, no_store
from governance.auth.current import require
from governance.auth.roles import COMMITTEE, READERS, Principal, actor
from governance.db import utcnow
from governance.web.api import MAX_PAGE, path_int
from governance.web.forms import read_form, text
from governance.web.templating import render
from governance.web.transaction import in_db

BASE = "/assemblies/{assembly_id:int}"


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page") or "1"
    # a page beyond any list shows the last rows, not a database error
    return min(int(raw), MAX_PAGE) if raw.isascii() and raw.isdigit() and len(raw) < 10 and (
        int(raw) > 0) else 1


async def _list_page(request: Request, error: str | None = None, status: int = 200,
                     name: str = "") -> Response:
    principal = await require(request, *READERS)
    assembly_id = path_int(request, "assembly_id")
    q = (request.query_params.get("q") or "").strip()[:100]
    status_filter = request.query_params.get("status") or ""
    page_number = _page_number(request)

    def load(db: Session) -> dict[str, Any]:
        assembly = services.get_assembly(db, assembly_id)
        committee = principal.has_role(*COMMITTEE)
        return {
            "assembly": assembly,
            "page": services.list_delegates(db, assembly_id, q or None,
                                            status_filter or None, page_number),
            "organizations": services.unrepresented_organizations(db, assembly_id)
            if committee and assembly.state != "closed" else [],
            "committee": committee,
        }

    context = await in_db(request, load)
    context.update(q=q, status=status_filter, error=error, name=name)
    return render(request, "assemblies/delegates.html", context, status_code=status)


async def delegate_list(request: Request) -> Response:
    return await _list_page(request)


def _back(request: Request, assembly_id: int, q: str = "") -> RedirectResponse:
    target = request.url_for("delegate_list", assembly_id=assembly_id)
    return RedirectResponse(target.include_query_params(q=q) if q else target, status_code=303)


def _shown(request: Request, issued: services.IssuedCredential, assembly: Any,
           organization_name: str) -> Response:
    return no_store(render(request, "assemblies/credential_issued.html", {
        "assembly": assembly, "issued": issued, "organization_name": organization_name,
        "login_url": login_url(request, issued.credential_id)}))


async def delegate_issue(request: Request) -> Response:
    principal = await require(request, *COMMITTEE)
    assembly_id = path_int(request, "assembly_id")
    form = await read_form(request)
    name, raw_org = text(form, "name"), text(form, "organization_id")
    gender = text(form, "gender") or None
    settings, now = request.app.state.settings, utcnow()
    try:
        if not raw_org.isdigit():
            raise errors.InvalidInput("Choose the organization.", field="organization_id")

        def issue(db: Session) -> tuple[services.IssuedCredential, Any, str]:
            issued = services.issue_credential(db, settings, assembly_id, int(raw_org), name,
                                               actor(principal), now, gender)
            row = services.delegate_row(db, assembly_id, issued.delegate_id)
            return issued, services.get_assembly(db, assembly_id), row.organization_name

        issued, assembly, organization_name = await in_db(request, issue, write=True)
    except (errors.InvalidInput, errors.Conflict, errors.NotFound) as exc:
        return await _list_page(request, i18n.gettext(exc.message, **exc.params), 422, name)
    return _shown(request, issued, assembly, organization_name)


async def delegate_reissue(request: Request) -> Response:
    principal = await require(request, *COMMITTEE)
    assembly_id, delegate_id = path_int(request, "assembly_id"), path_int(request, "delegate_id")
    await read_form(request)
    settings, now = request.app.state.settings, utcnow()

    def reissue(db: Session) -> tuple[services.IssuedCredential, Any, str]:
        issued = services.reissue_credential(db, settings, assembly_id, delegate_id,
                                             actor(principal), now)
        row = services.delegate_row(db, assembly_id, delegate_id)
        return issued, services.get_assembly(db, assembly_id), row.organization_name

    issued, assembly, organization_name = await in_db(request, reissue, write=True)
    return _shown(request, issued, assembly, organization_name)


async def delegate_revoke(request: Request) -> Response:
    principal = await require(request, *COMMITTEE)
    assembly_id, delegate_id = path_int(request, "assembly_id"), path_int(request, "delegate_id")
    form = await read_form(request)
    now = utcnow()
    await in_db(request, lambda db: services.revoke_credential(
        db, assembly_id, delegate_id, actor(principal), now), write=True)
    return _back(request, assembly_id, text(form, "q"))


async def delegate_check_in(request: Request) -> Response:
    principal = await require(request, *COMMITTEE)
    assembly_id, delegate_id = path_int(request, "assembly_id"), path_int(request, "delegate_id")
    form = await read_form(request)
    now = utcnow()
    work = services.check_out if text(form, "undo") == "1" else services.check_in
    await in_db(request, lambda db: work(db, assembly_id, delegate_id, actor(principal), now),
                write=True)
    return _back(request, assembly_id, text(form, "q"))


# --- check-in by the sheet's QR code --------------------------------------------------------


async def _scan_page(request: Request, done: bool) -> Response:
    assembly_id = path_int(request, "assembly_id")
    typed = request.path_params["credential_id"]

    def load(db: Session) -> dict[str, Any]:
        delegate = services.delegate_by_credential_id(db, assembly_id, typed)
        return {"assembly": services.get_assembly(db, assembly_id),
                "row": services.delegate_row(db, assembly_id, delegate.id)}

    return render(request, "assemblies/check_in.html", {**await in_db(request, load),
                                                         "done": done})


async def scan_check_in(request: Request) -> Response:
    await require(request, *COMMITTEE)
    return await _scan_page(request, done=False)


async def scan_check_in_submit(request: Request) -> Response:
    principal = await require(request, *COMMITTEE)
    await read_form(request)
    assembly_id = path_int(request, "assembly_id")
    typed = request.path_params["credential_id"]
    now = utcnow()

    def mark(db: Session) -> None:
        delegate = services.delegate_by_credential_id(db, assembly_id, typed)
        services.check_in(db, assembly_id, delegate.id, actor(principal), now)

    await in_db(request, mark, write=True)
    return await _scan_page(request, done=True)


# --- credential sheets ----------------------------------------------------------------------


async def sheets_page(request: Request) -> Response:
    await require(request, *COMMITTEE)
    assembly_id = path_int(request, "assembly_id")

    def load(db: Session) -> dict[str, Any]:
        everyone = services.list_delegates(db, assembly_id, status="active", page_size=1)
        return {"assembly": services.get_assembly(db, assembly_id),
                "active": everyone.total,
                "unprinted": services.unprinted_count(db, assembly_id)}

    return render(request, "assemblies/sheets.html", await in_db(request, load))


def _pdf(request: Request, issued: list[services.IssuedCredential], assembly: Any,
         names: dict[int, str]) -> Response:
    settings = request.app.state.settings
    document = sheets.render_sheets(
        [sheets.Sheet(c.name, names[c.delegate_id], c.credential,
                      login_url(request, c.credential_id)) for c in issued],
        assembly_title=assembly.title,
        assembly_when=i18n.format_datetime(assembly.starts_at, assembly.timezone, "long"),
        place=assembly.place,
        signing_key_fingerprint=sheets.signing_key_fingerprint(settings, assembly.id))
    filename = f"credentials-assembly-{assembly.id}.pdf"
    return no_store(Response(document, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'}))


async def _print(request: Request, principal: Principal, scope: str,
                 delegate_ids: tuple[int, ...]) -> Response:
    assembly_id = path_int(request, "assembly_id")
    settings, now = request.app.state.settings, utcnow()

    def issue(db: Session) -> tuple[list[services.IssuedCredential], Any, dict[int, str]]:
        issued = services.print_credentials(db, settings, assembly_id, scope, actor(principal),
                                            now, delegate_ids)
        names = {c.delegate_id: services.delegate_row(db, assembly_id, c.delegate_id)
                 .organization_name for c in issued}
        return issued, services.get_assembly(db, assembly_id), names

    issued, assembly, names = await in_db(request, issue, write=True)
    if not issued:
        raise errors.Conflict("There is no delegate to print a credential for.",
                              code="nothing_to_print")
    return _pdf(request, issued, assembly, names)


async def sheets_print(request: Request) -> Response:
    principal = await require(request, *COMMITTEE)
    scope = text(await read_form(request), "scope") or "unprinted"
    return await _print(request, principal, scope, ())


async def delegate_sheet(request: Request) -> Response:
    principal = await require(request, *COMMITTEE)
    await read_form(request)
    return await _print(request, principal, "all", (path_int(request, "delegate_id"),))


routes = [
    Route(BASE + "/delegates", delegate_list, methods=["GET"], name="delegate_list"),
    Route(BASE + "/delegates", delegate_issue, methods=["POST"], name="delegate_issue"),
    Route(BASE + "/delegates/{delegate_id:int}/reissue", delegate_reissue, methods=["POST"],
          name="delegate_reissue"),
    Route(BASE + "/delegates/{delegate_id:int}/revoke", delegate_revoke, methods=["POST"],
          name="delegate_revoke"),
    Route(BASE + "/delegates/{delegate_id:int}/check-in", delegate_check_in, methods=["POST"],
          name="delegate_check_in"),
    Route(BASE + "/delegates/{delegate_id:int}/sheet", delegate_sheet, methods=["POST"],
          name="delegate_sheet"),
    Route(BASE + "/check-in/{credential_id}", scan_check_in, methods=["GET"],
          name="scan_check_in"),
    Route(BASE + "/check-in/{credential_id}", scan_check_in_submit, methods=["POST"],
          name="scan_check_in_submit"),
    Route(BASE + "/credential-sheets", sheets_page, methods=["GET"], name="credential_sheets"),
    Route(BASE + "/credential-sheets", sheets_print, methods=["POST"],
          name="credential_sheets_print"),
]
