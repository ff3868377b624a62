"""Registry pages (list with filters, detail, CSV upload) and the registry's API operations."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from governance import errors, i18n
from governance.auth.current import require
from governance.auth.roles import Principal
from governance.organizations import importer, services
from governance.organizations.countries import REGION_NAMES, country_name
from governance.organizations.models import KINDS, REGIONS, STANDINGS
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
from governance.web.forms import read_form
from governance.web.templating import render
from governance.web.transaction import in_db

api = Operations(tag="organizations")

READERS = ("board", "committee", "auditor")
EDITORS = ("committee",)

ORGANIZATION: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "country", "members", "kind", "standing", "networks"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "country": {"type": "string", "description": "ISO 3166-1 alpha-2 code"},
        "platform": {"type": ["string", "null"]},
        "region": {"type": ["string", "null"], "enum": [*REGIONS, None]},
        "kind": {"type": "string", "enum": list(KINDS)},
        "members": {"type": "integer", "minimum": 0},
        "standing": {"type": "string", "enum": list(STANDINGS)},
        "networks": {"type": "array", "items": {"type": "string"}},
        "updated_at": {"type": ["string", "null"]},
    },
}
_FIELDS: dict[str, Any] = {
    "name": {"type": "string", "minLength": 1, "maxLength": 200},
    "country": {"type": "string", "minLength": 2, "maxLength": 80,
                "description": "ISO code or name, in Spanish, English, Portuguese or French"},
    "members": {"type": "integer", "minimum": 0, "maximum": 10_000_000},
    "platform": {"type": ["string", "null"], "maxLength": 120},
    "region": {"type": "string", "enum": list(REGIONS)},
    "kind": {"type": "string", "enum": list(KINDS)},
    "standing": {"type": "string", "enum": list(STANDINGS)},
    "networks": {"type": "array", "maxItems": 20,
                 "items": {"type": "string", "minLength": 1, "maxLength": 80}},
}
CREATE: dict[str, Any] = {"type": "object", "required": ["name", "country", "members"],
                          "properties": _FIELDS, "additionalProperties": False}
UPDATE: dict[str, Any] = {"type": "object", "minProperties": 1, "properties": _FIELDS,
                          "additionalProperties": False}
IMPORT_REPORT: dict[str, Any] = {
    "type": "object",
    "required": ["imported", "updated", "rejected"],
    "properties": {
        "imported": {"type": "integer"},
        "updated": {"type": "integer"},
        "rejected": {"type": "array", "items": {
            "type": "object", "required": ["line", "message"],
            "properties": {"line": {"type": "integer"}, "message": {"type": "string"}}}},
    },
}
FILTER_PARAMS = (
    Param("country", description="ISO code"),
    Param("platform"),
    Param("network"),
    Param("standing", schema={"type": "string", "enum": list(STANDINGS)}),
    Param("q", description="part of the name"),
    Param("page", schema={"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
    Param("page_size", schema={"type": "integer", "minimum": 1, "maximum": 500}),
)


def actor(principal: Principal) -> str:
    return f"staff:{principal.name}"


def _int_param(request: Request, name: str, default: int) -> int:
    # Pages and page sizes have a ceiling: no query asks the database for an absurd offset.
    maximum = services.MAX_PAGE_SIZE if name == "page_size" else MAX_PAGE
    return query_int(request, name, default, maximum)


def _filters(request: Request) -> services.RegistryFilter:
    q = request.query_params
    standing = q.get("standing") or None
    if standing is not None and standing not in STANDINGS:
        raise errors.InvalidInput("%(field)s must be one of %(allowed)s.", field="standing",
                                  allowed=", ".join(STANDINGS))
    return services.RegistryFilter(
        country=(q.get("country") or "").upper() or None,
        platform=q.get("platform") or None,
        network=q.get("network") or None,
        standing=standing,
        q=(q.get("q") or "").strip()[:100] or None,
    )


def report_dict(report: services.ImportReport) -> dict[str, Any]:
    return {
        "imported": report.imported,
        "updated": report.updated,
        "rejected": [{"line": r.line, "message": i18n.gettext(r.message, **r.params)}
                     for r in report.rejected],
    }


# --- pages ----------------------------------------------------------------------------------


async def organization_list(request: Request) -> Response:
    await require(request, *READERS)
    filters = _filters(request)
    page_number = _int_param(request, "page", 1)

    def load(db: Any) -> tuple[services.RegistryPage, dict[str, list[str]]]:
        return services.list_organizations(db, filters, page_number), services.facets(db)

    page, facets = await in_db(request, load)
    return render(request, "organizations/list.html", {
        "page": page, "facets": facets, "filters": filters,
        "country_name": country_name, "region_names": REGION_NAMES,
    })


async def organization_detail(request: Request) -> Response:
    await require(request, *READERS)
    organization_id = path_int(request, "organization_id")
    organization = await in_db(request, lambda db: services.get_organization(db, organization_id))
    return render(request, "organizations/detail.html", {
        "organization": organization, "country_name": country_name, "region_names": REGION_NAMES,
    })


async def import_page(request: Request) -> Response:
    await require(request, *EDITORS)
    return render(request, "organizations/import.html", {"report": None, "error": None})


async def import_submit(request: Request) -> Response:
    principal = await require(request, *EDITORS)
    form = await read_form(request)
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile):
            return render(request, "organizations/import.html",
                          {"report": None, "error": i18n.gettext("Choose a CSV file to upload.")},
                          status_code=422)
        raw = await upload.read(importer.MAX_BYTES + 1)
    finally:
        await form.close()
    try:
        report = await in_db(request, lambda db: services.import_organizations(
            db, raw, actor(principal)), write=True)
    except errors.InvalidInput as exc:
        return render(request, "organizations/import.html",
                      {"report": None, "error": i18n.gettext(exc.message, **exc.params)},
                      status_code=422)
    return render(request, "organizations/import.html",
                  {"report": report_dict(report), "error": None})


# --- API ------------------------------------------------------------------------------------


@api.op("GET", "/organizations", "listOrganizations", summary="List the member registry",
        roles=READERS, params=FILTER_PARAMS, errors=[422],
        response={"type": "object", "required": ["organizations", "total", "page"],
                  "properties": {"organizations": {"type": "array", "items": ORGANIZATION},
                                 "total": {"type": "integer"}, "page": {"type": "integer"},
                                 "page_size": {"type": "integer"}}})
async def api_list(request: Request) -> Response:
    await require(request, *READERS)
    filters = _filters(request)
    page_number = _int_param(request, "page", 1)
    page_size = _int_param(request, "page_size", services.PAGE_SIZE)

    def load(db: Any) -> dict[str, Any]:
        page = services.list_organizations(db, filters, page_number, page_size)
        return {"organizations": [services.to_dict(o) for o in page.organizations],
                "total": page.total, "page": page.page, "page_size": page.page_size}

    return ok(await in_db(request, load))


@api.op("GET", "/organizations/{organization_id:int}", "getOrganization",
        summary="Read one organization", roles=READERS, response=ORGANIZATION, errors=[404],
        params=[Param("organization_id", "path", ID)])
async def api_get(request: Request) -> Response:
    await require(request, *READERS)
    organization_id = path_int(request, "organization_id")
    return ok(await in_db(request, lambda db: services.to_dict(
        services.get_organization(db, organization_id))))


@api.op("POST", "/organizations", "createOrganization", summary="Add an organization",
        roles=EDITORS, request=CREATE, response=ORGANIZATION, status=201, errors=[409])
async def api_create(request: Request) -> Response:
    principal = await require(request, *EDITORS)
    body = await read_json(request, CREATE)
    created = await in_db(request, lambda db: services.to_dict(
        services.create_organization(db, body, actor(principal))), write=True)
    return ok(created, status=201)


@api.op("PATCH", "/organizations/{organization_id:int}", "updateOrganization",
        summary="Change an organization", roles=EDITORS, request=UPDATE, response=ORGANIZATION,
        errors=[404, 409], params=[Param("organization_id", "path", ID)])
async def api_update(request: Request) -> Response:
    principal = await require(request, *EDITORS)
    organization_id = path_int(request, "organization_id")
    body = await read_json(request, UPDATE)
    updated = await in_db(request, lambda db: services.to_dict(
        services.update_organization(db, organization_id, body, actor(principal))), write=True)
    return ok(updated)


@api.op("POST", "/organizations/import", "importOrganizations",
        summary="Import or update the registry from CSV (header row with at least "
                "name,country,members)",
        roles=EDITORS, request={"type": "string"}, request_type="text/csv",
        response=IMPORT_REPORT, errors=[413, 422])
async def api_import(request: Request) -> Response:
    principal = await require(request, *EDITORS)
    raw = await read_body(request, importer.MAX_BYTES)
    report = await in_db(request, lambda db: services.import_organizations(
        db, raw, actor(principal)), write=True)
    return ok(report_dict(report))


routes = [
    Route("/organizations", organization_list, methods=["GET"], name="organization_list"),
    Route("/organizations/import", import_page, methods=["GET"], name="organization_import"),
    Route("/organizations/import", import_submit, methods=["POST"],
          name="organization_import_submit"),
    Route("/organizations/{organization_id:int}", organization_detail, methods=["GET"],
          name="organization_detail"),
]
