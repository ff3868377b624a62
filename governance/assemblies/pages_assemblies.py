"""Assembly pages for the board and the committee: the list, a new assembly, its page with the
state buttons, and its audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from governance import errors, i18n
from governance.assemblies import services
from governance.assemblies.assemblies import NEXT_STATE, update_assembly
from governance.assemblies.models import KINDS, QUORUM_MODES
from governance.auth.current import require
from governance.auth.roles import BOARD, READERS, STEWARDS, actor
from governance.db import utcnow
from governance.web.api import path_int
from governance.web.forms import read_form, text
from governance.web.templating import render
from governance.web.transaction import in_db

SCHEMES = ("equal", "members", "sqrt", "bands")
# The time zones of the network's countries, offered first; any IANA name is accepted.
ZONES = ("America/Lima", "America/Bogota", "America/Mexico_City", "America/Guatemala",
         "America/Tegucigalpa", "America/Managua", "America/El_Salvador", "America/Costa_Rica",
         "America/Santo_Domingo", "America/Port-au-Prince", "America/St_Vincent",
         "America/La_Paz", "America/Guayaquil", "America/Sao_Paulo", "America/Asuncion",
         "America/Argentina/Buenos_Aires", "America/Montevideo", "America/Santiago", "UTC")
DEFAULT_FORM = {"title": "", "kind": "ordinary", "starts_at": "", "ends_at": "", "place": "",
                "timezone": "America/Lima", "scheme": "equal", "bands": "", "max_weight": "",
                "proxy_limit": "1", "quorum_weight_pct": "50", "quorum_orgs_pct": "0",
                "quorum_mode": "and", "self_check_in": ""}


def _local_time(value: str, zone: str, field: str) -> str | None:
    """A `datetime-local` value read in the assembly's time zone, as RFC 3339."""
    if not value:
        return None
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")  # the time zone itself is reported by the service
    try:
        return datetime.fromisoformat(value).replace(tzinfo=tz).isoformat()
    except ValueError:
        raise errors.InvalidInput("%(field)s must be a date and time.", field=field) from None


def _whole(value: str, field: str) -> int:
    if not value.strip().isdigit():
        raise errors.InvalidInput("%(field)s must be a positive whole number.", field=field)
    return int(value)


def _bands(raw: str) -> list[dict[str, int]]:
    """Bands typed one per line as `min_members weight` (e.g. `51 2`)."""
    bands = []
    for line in raw.splitlines():
        parts = line.replace(":", " ").replace(",", " ").replace("=", " ").split()
        if not parts:
            continue
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            raise errors.InvalidInput("Write each band on its own line as two whole numbers: "
                                      "the least members, then the weight (e.g. 51 2).",
                                      field="bands")
        bands.append({"min_members": int(parts[0]), "weight": int(parts[1])})
    return bands


def assembly_fields(form: dict[str, str]) -> dict[str, Any]:
    """The form's text fields as the fields `create_assembly` takes."""
    zone = form["timezone"] or "America/Lima"
    weighting: dict[str, Any] = {"scheme": form["scheme"]}
    if form["scheme"] == "bands":
        weighting["bands"] = _bands(form["bands"])
    if form["max_weight"]:
        weighting["max_weight"] = _whole(form["max_weight"], "max_weight")
    return {
        "title": form["title"], "kind": form["kind"], "place": form["place"], "timezone": zone,
        "starts_at": _local_time(form["starts_at"], zone, "starts_at"),
        "ends_at": _local_time(form["ends_at"], zone, "ends_at"),
        "weighting": weighting,
        "proxy_limit": _whole(form["proxy_limit"], "proxy_limit"),
        "quorum_weight_pct": _whole(form["quorum_weight_pct"], "quorum_weight_pct"),
        "quorum_orgs_pct": _whole(form["quorum_orgs_pct"], "quorum_orgs_pct"),
        "quorum_mode": form["quorum_mode"],
        "self_check_in": form["self_check_in"] == "on",
    }


def _form_values(form: FormData) -> dict[str, str]:
    values = {name: text(form, name, default) for name, default in DEFAULT_FORM.items()}
    values["bands"] = str(form.get("bands") or "")
    return values


def _form_page(request: Request, values: dict[str, str], error: str | None,
               status: int = 200, assembly: Any = None) -> Response:
    return render(request, "assemblies/new.html", {
        "form": values, "error": error, "kinds": KINDS, "schemes": SCHEMES, "zones": ZONES,
        "modes": QUORUM_MODES, "assembly": assembly}, status_code=status)


def _local_input(moment: datetime | None, zone: str) -> str:
    """A stored UTC time as a `datetime-local` value in the assembly's time zone."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None).isoformat(timespec="minutes")


def current_values(assembly: Any) -> dict[str, str]:
    """The edit form filled with the assembly as it is."""
    weighting = assembly.weighting or {}
    bands = "\n".join(f"{b['min_members']} {b['weight']}" for b in weighting.get("bands", []))
    return {
        "title": assembly.title, "kind": assembly.kind, "place": assembly.place,
        "timezone": assembly.timezone,
        "starts_at": _local_input(assembly.starts_at, assembly.timezone),
        "ends_at": _local_input(assembly.ends_at, assembly.timezone),
        "scheme": weighting.get("scheme", "equal"), "bands": bands,
        "max_weight": str(weighting.get("max_weight") or ""),
        "proxy_limit": str(assembly.proxy_limit),
        "quorum_weight_pct": str(assembly.quorum_weight_pct),
        "quorum_orgs_pct": str(assembly.quorum_orgs_pct), "quorum_mode": assembly.quorum_mode,
        "self_check_in": "on" if assembly.self_check_in else "",
    }


async def assembly_list(request: Request) -> Response:
    await require(request, *READERS)
    assemblies = await in_db(request, services.list_assemblies)
    return render(request, "assemblies/list.html", {"assemblies": assemblies})


async def assembly_new(request: Request) -> Response:
    await require(request, *BOARD)
    return _form_page(request, dict(DEFAULT_FORM), None)


async def assembly_create(request: Request) -> Response:
    principal = await require(request, *BOARD)
    values = _form_values(await read_form(request))
    now = utcnow()
    try:
        fields = assembly_fields(values)
        assembly = await in_db(request, lambda db: services.create_assembly(
            db, fields, actor(principal), now), write=True)
    except errors.InvalidInput as exc:
        return _form_page(request, values, i18n.gettext(exc.message, **exc.params), 422)
    return RedirectResponse(request.url_for("assembly_detail", assembly_id=assembly.id),
                            status_code=303)


async def assembly_edit(request: Request) -> Response:
    await require(request, *BOARD)
    assembly_id = path_int(request, "assembly_id")
    assembly = await in_db(request, lambda db: services.get_assembly(db, assembly_id))
    return _form_page(request, current_values(assembly), None, assembly=assembly)


async def assembly_update(request: Request) -> Response:
    principal = await require(request, *BOARD)
    assembly_id = path_int(request, "assembly_id")
    values = _form_values(await read_form(request))
    now = utcnow()
    assembly = await in_db(request, lambda db: services.get_assembly(db, assembly_id))
    try:
        fields = assembly_fields(values)
        if assembly.roll_frozen_at is not None:
            fields.pop("weighting")  # shown, not editable: the roll's weights depend on it
        await in_db(request, lambda db: update_assembly(
            db, assembly_id, fields, actor(principal), now), write=True)
    except (errors.InvalidInput, errors.Conflict) as exc:
        return _form_page(request, values, i18n.gettext(exc.message, **exc.params),
                          422 if isinstance(exc, errors.InvalidInput) else 409, assembly)
    return RedirectResponse(request.url_for("assembly_detail", assembly_id=assembly_id),
                            status_code=303)


async def assembly_detail(request: Request) -> Response:
    principal = await require(request, *READERS)
    assembly_id = path_int(request, "assembly_id")

    def load(db: Session) -> dict[str, Any]:
        assembly = services.get_assembly(db, assembly_id)
        return {"assembly": assembly, "summary": services.summary(db, assembly_id),
                "weighting": services.weighting_of(assembly)}

    context = await in_db(request, load)
    next_state = NEXT_STATE.get(context["assembly"].state)
    context.update(next_state=next_state if principal.has_role(*STEWARDS) else None,
                   can_edit=principal.has_role(*BOARD))
    return render(request, "assemblies/detail.html", context)


async def assembly_state(request: Request) -> Response:
    principal = await require(request, *STEWARDS)
    assembly_id = path_int(request, "assembly_id")
    state = text(await read_form(request), "state")
    now = utcnow()
    await in_db(request, lambda db: services.change_state(db, assembly_id, state,
                                                          actor(principal), now), write=True)
    return RedirectResponse(request.url_for("assembly_detail", assembly_id=assembly_id),
                            status_code=303)


async def assembly_audit(request: Request) -> Response:
    await require(request, *READERS)
    assembly_id = path_int(request, "assembly_id")

    def load(db: Session) -> dict[str, Any]:
        return {"assembly": services.get_assembly(db, assembly_id),
                "events": services.assembly_events(db, assembly_id)}

    return render(request, "assemblies/audit.html", await in_db(request, load))


routes = [
    Route("/assemblies", assembly_list, methods=["GET"], name="assembly_list"),
    Route("/assemblies/new", assembly_new, methods=["GET"], name="assembly_new"),
    Route("/assemblies/new", assembly_create, methods=["POST"], name="assembly_create"),
    Route("/assemblies/{assembly_id:int}", assembly_detail, methods=["GET"],
          name="assembly_detail"),
    Route("/assemblies/{assembly_id:int}/edit", assembly_edit, methods=["GET"],
          name="assembly_edit"),
    Route("/assemblies/{assembly_id:int}/edit", assembly_update, methods=["POST"],
          name="assembly_update"),
    Route("/assemblies/{assembly_id:int}/state", assembly_state, methods=["POST"],
          name="assembly_state"),
    Route("/assemblies/{assembly_id:int}/audit", assembly_audit, methods=["GET"],
          name="assembly_audit"),
]
