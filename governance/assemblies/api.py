"""The assemblies API: assemblies, credentials, check-in, proxies, the roll, the audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from governance.assemblies import letters, schemas, services
from governance.assemblies.assemblies import update_assembly
from governance.assemblies.common import login_url, no_store
from governance.audit.services import export_event
from governance.auth.current import require, require_delegate
from governance.auth.roles import BOARD, COMMITTEE, READERS, STEWARDS, Principal, actor
from governance.db import utcnow
from governance.web.api import (
    ID,
    MAX_PAGE,
    Operations,
    Param,
    ok,
    path_int,
    query_int,
    read_body,
    read_json,
)
from governance.web.transaction import in_db

api = Operations(tag="assemblies")

ASSEMBLY_ID = Param("assembly_id", "path", ID)
DELEGATE_ID = Param("delegate_id", "path", ID)
PROXY_ID = Param("proxy_id", "path", ID)
BASE = "/assemblies/{assembly_id:int}"


def _issued(request: Request, issued: services.IssuedCredential) -> Response:
    return no_store(ok({
        "delegate_id": issued.delegate_id, "credential": issued.credential,
        "credential_id": issued.credential_id, "assembly_id": issued.assembly_id,
        "organization_id": issued.organization_id, "name": issued.name,
        "login_url": login_url(request, issued.credential_id)}, status=201))


# --- assemblies -----------------------------------------------------------------------------


@api.op("GET", "/assemblies", "listAssemblies", summary="List the assemblies",
        roles=READERS, response=schemas.ASSEMBLY_LIST)
async def list_assemblies(request: Request) -> Response:
    await require(request, *READERS)
    return ok(await in_db(request, lambda db: {
        "assemblies": [services.to_dict(a) for a in services.list_assemblies(db)]}))


@api.op("POST", "/assemblies", "createAssembly",
        summary="Create an assembly with its weighting, proxy and quorum rules",
        roles=BOARD, request=schemas.CREATE_ASSEMBLY, response=schemas.ASSEMBLY, status=201)
async def create_assembly(request: Request) -> Response:
    principal = await require(request, *BOARD)
    body = await read_json(request, schemas.CREATE_ASSEMBLY)
    now = utcnow()
    return ok(await in_db(request, lambda db: services.to_dict(
        services.create_assembly(db, body, actor(principal), now)), write=True), status=201)


@api.op("GET", BASE, "getAssembly", summary="Read one assembly", roles=READERS,
        response=schemas.ASSEMBLY, errors=[404], params=[ASSEMBLY_ID])
async def get_assembly(request: Request) -> Response:
    await require(request, *READERS)
    assembly_id = path_int(request, "assembly_id")
    return ok(await in_db(request, lambda db: services.to_dict(
        services.get_assembly(db, assembly_id))))


@api.op("PATCH", BASE, "updateAssembly",
        summary="Change an assembly's title, dates, place, time zone or rules still changeable "
                "(the weighting is fixed once the roll is frozen)",
        roles=BOARD, request=schemas.UPDATE_ASSEMBLY, response=schemas.ASSEMBLY,
        errors=[404, 409], params=[ASSEMBLY_ID])
def update(db: Session, who: Principal, body: dict[str, Any],
           assembly_id: int) -> dict[str, Any]:
    return services.to_dict(update_assembly(db, assembly_id, body, actor(who), utcnow()))


@api.op("POST", BASE + "/state", "changeAssemblyState",
        summary="Move the assembly to its next state: planned, accreditation, in_session, closed",
        roles=STEWARDS, request=schemas.CHANGE_STATE, response=schemas.ASSEMBLY,
        errors=[404, 409], params=[ASSEMBLY_ID])
async def change_state(request: Request) -> Response:
    principal = await require(request, *STEWARDS)
    assembly_id = path_int(request, "assembly_id")
    body = await read_json(request, schemas.CHANGE_STATE)
    now = utcnow()
    return ok(await in_db(request, lambda db: services.to_dict(services.change_state(
        db, assembly_id, body["state"], actor(principal), now)), write=True))


# --- delegates and credentials --------------------------------------------------------------


@api.op("GET", BASE + "/delegates", "listDelegates",
        summary="List the delegates, searchable by person, organization or identifier",
        roles=READERS, response=schemas.DELEGATE_LIST, errors=[404, 422],
        params=[ASSEMBLY_ID, Param("q"), Param("status", schema={
            "type": "string", "enum": ["active", "present", "absent", "revoked"]}),
            Param("page", schema={"type": "integer", "minimum": 1, "maximum": MAX_PAGE})])
async def list_delegates(request: Request) -> Response:
    await require(request, *READERS)
    assembly_id = path_int(request, "assembly_id")
    q = (request.query_params.get("q") or "").strip()[:100] or None
    status = request.query_params.get("status") or None
    page_number = query_int(request, "page", 1, MAX_PAGE)

    def load(db: Session) -> dict[str, Any]:
        page = services.list_delegates(db, assembly_id, q, status, page_number)
        return {"delegates": [services.delegate_dict(r) for r in page.rows], "total": page.total,
                "page": page.page, "page_size": page.page_size}

    return ok(await in_db(request, load))


@api.op("POST", BASE + "/delegates", "issueCredential",
        summary="Accredit a delegate of an organization; the credential is returned once",
        roles=COMMITTEE, request=schemas.ISSUE, response=schemas.ISSUED, status=201,
        errors=[404, 409], params=[ASSEMBLY_ID])
async def issue_credential(request: Request) -> Response:
    principal = await require(request, *COMMITTEE)
    assembly_id = path_int(request, "assembly_id")
    body = await read_json(request, schemas.ISSUE)
    settings, now = request.app.state.settings, utcnow()
    issued = await in_db(request, lambda db: services.issue_credential(
        db, settings, assembly_id, body["organization_id"], body["name"], actor(principal), now,
        body.get("gender")), write=True)
    return _issued(request, issued)


@api.op("POST", BASE + "/delegates/{delegate_id:int}/reissue", "reissueCredential",
        summary="Give the delegate a new credential; the old one and its sessions end",
        roles=COMMITTEE, response=schemas.ISSUED, status=201, errors=[404, 409],
        params=[ASSEMBLY_ID, DELEGATE_ID])
async def reissue_credential(request: Request) -> Response:
    principal = await require(request, *COMMITTEE)
    assembly_id, delegate_id = path_int(request, "assembly_id"), path_int(request, "delegate_id")
    settings, now = request.app.state.settings, utcnow()
    issued = await in_db(request, lambda db: services.reissue_credential(
        db, settings, assembly_id, delegate_id, actor(principal), now), write=True)
    return _issued(request, issued)


@api.op("POST", BASE + "/delegates/{delegate_id:int}/revoke", "revokeCredential",
        summary="Revoke a credential: its sessions end at once, the proxies it held lapse",
        roles=COMMITTEE, response=schemas.DELEGATE, errors=[404, 409],
        params=[ASSEMBLY_ID, DELEGATE_ID])
async def revoke_credential(request: Request) -> Response:
    principal = await require(request, *COMMITTEE)
    assembly_id, delegate_id = path_int(request, "assembly_id"), path_int(request, "delegate_id")
    now = utcnow()

    def revoke(db: Session) -> dict[str, object]:
        services.revoke_credential(db, assembly_id, delegate_id, actor(principal), now)
        return _delegate(db, assembly_id, delegate_id)

    return ok(await in_db(request, revoke, write=True))


def _delegate(db: Session, assembly_id: int, delegate_id: int) -> dict[str, object]:
    return services.delegate_dict(services.delegate_row(db, assembly_id, delegate_id))


@api.op("POST", BASE + "/check-in", "checkIn", summary="Mark a delegate present",
        roles=COMMITTEE, request=schemas.DELEGATE_ID, response=schemas.DELEGATE,
        errors=[404, 409], params=[ASSEMBLY_ID])
async def check_in(request: Request) -> Response:
    principal = await require(request, *COMMITTEE)
    assembly_id = path_int(request, "assembly_id")
    body = await read_json(request, schemas.DELEGATE_ID)
    now = utcnow()

    def mark(db: Session) -> dict[str, object]:
        services.check_in(db, assembly_id, body["delegate_id"], actor(principal), now)
        return _delegate(db, assembly_id, body["delegate_id"])

    return ok(await in_db(request, mark, write=True))


@api.op("POST", BASE + "/check-out", "checkOut",
        summary="Mark a delegate as gone: no longer present", roles=COMMITTEE,
        request=schemas.DELEGATE_ID, response=schemas.DELEGATE, errors=[404],
        params=[ASSEMBLY_ID])
async def check_out(request: Request) -> Response:
    principal = await require(request, *COMMITTEE)
    assembly_id = path_int(request, "assembly_id")
    body = await read_json(request, schemas.DELEGATE_ID)
    now = utcnow()

    def mark(db: Session) -> dict[str, object]:
        services.check_out(db, assembly_id, body["delegate_id"], actor(principal), now)
        return _delegate(db, assembly_id, body["delegate_id"])

    return ok(await in_db(request, mark, write=True))


# --- proxies --------------------------------------------------------------------------------


@api.op("GET", BASE + "/proxies", "listProxies",
        summary="Every proxy of the assembly, revoked ones included", roles=READERS,
        response=schemas.PROXY_LIST, errors=[404], params=[ASSEMBLY_ID])
async def list_proxies(request: Request) -> Response:
    await require(request, *READERS)
    assembly_id = path_int(request, "assembly_id")
    return ok(await in_db(request, lambda db: {
        "proxies": [services.proxy_dict(r) for r in services.list_proxies(db, assembly_id)]}))


def _proxy(db: Session, assembly_id: int, proxy_id: int) -> dict[str, object]:
    row = next(r for r in services.list_proxies(db, assembly_id) if r.proxy.id == proxy_id)
    return services.proxy_dict(row)


@api.op("POST", BASE + "/proxies", "grantProxy",
        summary="An organization gives its vote to the delegate of another organization",
        roles=COMMITTEE, request=schemas.GRANT, response=schemas.PROXY, status=201,
        errors=[404, 409], params=[ASSEMBLY_ID])
async def grant_proxy(request: Request) -> Response:
    principal = await require(request, *COMMITTEE)
    assembly_id = path_int(request, "assembly_id")
    body = await read_json(request, schemas.GRANT)
    settings, now = request.app.state.settings, utcnow()

    def grant(db: Session) -> dict[str, object]:
        proxy = services.grant_proxy(db, settings, assembly_id, body["organization_id"],
                                     body["delegate_id"], actor(principal), now)
        return _proxy(db, assembly_id, proxy.id)

    return ok(await in_db(request, grant, write=True), status=201)


@api.op("POST", BASE + "/proxies/{proxy_id:int}/revoke", "revokeProxy",
        summary="Revoke a proxy; it stays in the history", roles=COMMITTEE,
        response=schemas.PROXY, errors=[404, 409], params=[ASSEMBLY_ID, PROXY_ID])
async def revoke_proxy(request: Request) -> Response:
    principal = await require(request, *COMMITTEE)
    assembly_id, proxy_id = path_int(request, "assembly_id"), path_int(request, "proxy_id")
    now = utcnow()

    def revoke(db: Session) -> dict[str, object]:
        services.revoke_proxy(db, assembly_id, proxy_id, actor(principal), now)
        return _proxy(db, assembly_id, proxy_id)

    return ok(await in_db(request, revoke, write=True))


@api.op("PUT", BASE + "/proxies/{proxy_id:int}/letter", "attachProxyLetter",
        summary="Attach the proxy letter: the file's bytes as the body (PDF, PNG or JPEG, "
                "at most 5 MB)",
        roles=COMMITTEE, request={"type": "string", "format": "binary"},
        request_type="application/octet-stream", response=schemas.PROXY,
        errors=[404, 409, 413, 422],
        params=[ASSEMBLY_ID, PROXY_ID, Param("filename", description="the file's name")])
async def attach_letter(request: Request) -> Response:
    principal = await require(request, *COMMITTEE)
    assembly_id, proxy_id = path_int(request, "assembly_id"), path_int(request, "proxy_id")
    raw = await read_body(request, letters.MAX_BYTES + 1)
    filename = request.query_params.get("filename") or "letter"
    settings, now = request.app.state.settings, utcnow()

    def attach(db: Session) -> dict[str, object]:
        services.attach_letter(db, settings, assembly_id, proxy_id, raw, filename,
                               actor(principal), now)
        return _proxy(db, assembly_id, proxy_id)

    return ok(await in_db(request, attach, write=True))


# --- roll and trail -------------------------------------------------------------------------


@api.op("POST", BASE + "/roll/freeze", "freezeRoll",
        summary="Freeze the roll: one voting right per organization in good standing, with its "
                "weight", roles=COMMITTEE, response=schemas.ROLL, errors=[404, 409],
        params=[ASSEMBLY_ID])
async def freeze_roll(request: Request) -> Response:
    principal = await require(request, *COMMITTEE)
    assembly_id = path_int(request, "assembly_id")
    now = utcnow()

    def freeze(db: Session) -> dict[str, object]:
        services.freeze_roll(db, assembly_id, actor(principal), now)
        return services.roll_dict(services.get_assembly(db, assembly_id),
                                  services.roll(db, assembly_id))

    return ok(await in_db(request, freeze, write=True))


@api.op("GET", BASE + "/roll", "getRoll",
        summary="The frozen roll with each voting right's weight and presence, and the quorum",
        roles=READERS, response=schemas.ROLL, errors=[404, 409], params=[ASSEMBLY_ID])
async def get_roll(request: Request) -> Response:
    await require(request, *READERS)
    assembly_id = path_int(request, "assembly_id")
    return ok(await in_db(request, lambda db: services.roll_dict(
        services.get_assembly(db, assembly_id), services.roll(db, assembly_id))))


@api.op("GET", BASE + "/events", "listAssemblyEvents",
        summary="The audit trail of the assembly: who did what, when (hash-chained)",
        roles=READERS, response=schemas.EVENTS, errors=[404], params=[ASSEMBLY_ID])
async def list_events(request: Request) -> Response:
    await require(request, *READERS)
    assembly_id = path_int(request, "assembly_id")
    return ok(await in_db(request, lambda db: {
        "events": [export_event(e) for e in services.assembly_events(db, assembly_id)]}))


# --- the delegate's own view ----------------------------------------------------------------


def accreditation(db: Session, delegate_id: int) -> dict[str, object]:
    delegate = services.active_delegate(db, delegate_id)
    return {
        "delegate_id": delegate.id, "name": delegate.name,
        "assembly": services.to_dict(services.get_assembly(db, delegate.assembly_id)),
        "checked_in": delegate.checked_in_at is not None,
        "represents": [{"organization_id": r.organization_id,
                        "organization_name": r.organization_name, "via_proxy": r.via_proxy}
                       for r in services.represented_organizations(db, delegate.id)],
    }


@api.op("GET", "/me", "getMyAccreditation",
        summary="For a delegate: the assembly, the organizations it votes for, its check-in",
        roles=["delegate"], response=schemas.ACCREDITATION)
async def my_accreditation(request: Request) -> Response:
    delegate_id = await require_delegate(request)
    return ok(await in_db(request, lambda db: accreditation(db, delegate_id)))


@api.op("POST", "/me/check-in", "selfCheckIn",
        summary="For a delegate: check in, when the assembly allows self check-in",
        roles=["delegate"], response=schemas.ACCREDITATION, errors=[409])
async def self_check_in(request: Request) -> Response:
    delegate_id = await require_delegate(request)
    now = utcnow()

    def mark(db: Session) -> dict[str, object]:
        services.self_check_in(db, delegate_id, now)
        return accreditation(db, delegate_id)

    return ok(await in_db(request, mark, write=True))

