"""The board's pages for motions: list, draft, edit, the workflow and amendments. What hangs on
a motion (translations, objectives, links, attachments) is in `views_content`."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from governance import errors, i18n
from governance.auth.current import require
from governance.motions import services, views_content
from governance.motions.api import AMENDERS, WRITERS, actor, api, choice_param, int_param
from governance.motions.pages import (
    READERS,
    RECORD_FIELDS,
    WORDING_FIELDS,
    WORDS,
    act,
    form_fields,
    manage_page,
    message,
    to_manage,
)
from governance.motions.workflow import KINDS, STATUSES
from governance.web.api import path_int
from governance.web.errors import status_of
from governance.web.forms import read_form, text
from governance.web.templating import render
from governance.web.transaction import in_db

__all__ = ["api", "routes"]


# --- list, draft, edit ----------------------------------------------------------------------


async def motion_list(request: Request) -> Response:
    await require(request, *READERS)
    filters = services.MotionFilter(
        status=choice_param(request, "status", STATUSES),
        kind=choice_param(request, "kind", KINDS),
        q=(request.query_params.get("q") or "").strip()[:100] or None)
    page_number = int_param(request, "page", 1) or 1
    page = await in_db(request, lambda db: services.list_motions(db, filters, page_number))
    return render(request, "motions/list.html", {**WORDS, "page": page, "filters": filters})


def _form_context(organizations: list[Any], values: dict[str, Any], motion: Any = None,
                  error: str | None = None) -> dict[str, Any]:
    return {**WORDS, "organizations": organizations, "values": values, "motion": motion,
            "error": error}


async def motion_new(request: Request) -> Response:
    await require(request, *WRITERS)
    organizations = await in_db(request, services.organization_choices)
    values = {"language": "es", "kind": "resolution", "submitter": i18n.gettext("Board")}
    return render(request, "motions/form.html", _form_context(organizations, values))


async def motion_create(request: Request) -> Response:
    principal = await require(request, *WRITERS)
    form = await read_form(request)
    fields = form_fields(form, (*WORDING_FIELDS, *RECORD_FIELDS, "language"))
    try:
        motion_id = await in_db(request, lambda db: services.create_motion(
            db, fields, actor(principal)).id, write=True)
    except (errors.InvalidInput, errors.Conflict) as exc:
        organizations = await in_db(request, services.organization_choices)
        return render(request, "motions/form.html",
                      _form_context(organizations, fields, error=message(exc)),
                      status_code=status_of(exc))
    return to_manage(request, motion_id)


def _values(motion: Any) -> dict[str, Any]:
    original = motion.original
    return {
        "code": motion.code, "kind": motion.kind, "title": original.title,
        "body": original.body, "language": motion.original_language,
        "submitter": motion.submitter,
        "submitter_organization_id": motion.submitter_organization_id,
        "tags": ", ".join(motion.tag_names), "assembly_id": motion.assembly_id,
        "assembly_name": motion.assembly_name, "dated": motion.dated,
        "amendment_deadline": motion.amendment_deadline.strftime("%Y-%m-%dT%H:%M")
        if motion.amendment_deadline else "",
        "source_note": motion.source_note, "outcome_note": motion.outcome_note,
        "result_poll_id": motion.result_poll_id,
    }


async def motion_edit(request: Request) -> Response:
    await require(request, *WRITERS)
    motion_id = path_int(request, "motion_id")

    def load(db: Any) -> tuple[Any, list[Any]]:
        return services.get_motion(db, motion_id), services.organization_choices(db)

    motion, organizations = await in_db(request, load)
    return render(request, "motions/form.html",
                  _form_context(organizations, _values(motion), motion))


async def motion_update(request: Request) -> Response:
    principal = await require(request, *WRITERS)
    motion_id = path_int(request, "motion_id")
    form = await read_form(request)
    motion = await in_db(request, lambda db: services.get_motion(db, motion_id))
    names = RECORD_FIELDS if motion.status != "draft" else (*WORDING_FIELDS, *RECORD_FIELDS)
    fields = form_fields(form, names)
    try:
        await in_db(request, lambda db: services.update_motion(db, motion_id, fields,
                                                               actor(principal)), write=True)
    except (errors.InvalidInput, errors.Conflict) as exc:
        organizations = await in_db(request, services.organization_choices)
        values = {**_values(motion), **fields}
        return render(request, "motions/form.html",
                      _form_context(organizations, values, motion, message(exc)),
                      status_code=status_of(exc))
    return to_manage(request, motion_id)


async def motion_manage(request: Request) -> Response:
    await require(request, *READERS)
    return await manage_page(request, path_int(request, "motion_id"))


# --- workflow and amendments ----------------------------------------------------------------


async def motion_move(request: Request) -> Response:
    motion_id = path_int(request, "motion_id")

    def work(db: Any, form: FormData, who: str) -> None:
        services.move_motion(db, motion_id, text(form, "to"), who, note=text(form, "note"),
                             assembly_id=form_fields(form, ("assembly_id",))["assembly_id"],
                             assembly_name=text(form, "assembly_name") or None)

    return await act(request, motion_id, "workflow", work)


async def amend_page(request: Request) -> Response:
    await require(request, *AMENDERS)
    motion_id = path_int(request, "motion_id")

    def load(db: Any) -> tuple[Any, list[Any]]:
        return services.get_motion(db, motion_id), services.organization_choices(db)

    parent, organizations = await in_db(request, load)
    return render(request, "motions/amend.html", {
        **WORDS, "parent": parent, "organizations": organizations, "error": None,
        "values": {"language": parent.original_language}})


async def amend_submit(request: Request) -> Response:
    principal = await require(request, *AMENDERS)
    motion_id = path_int(request, "motion_id")
    form = await read_form(request)
    fields = form_fields(form, ("title", "body", "language", "tags",
                                "submitter_organization_id"))
    try:
        amendment_id = await in_db(request, lambda db: services.amend_motion(
            db, motion_id, fields, actor(principal)).id, write=True)
    except (errors.InvalidInput, errors.Conflict) as exc:
        def load(db: Any) -> tuple[Any, list[Any]]:
            return services.get_motion(db, motion_id), services.organization_choices(db)

        parent, organizations = await in_db(request, load)
        return render(request, "motions/amend.html", {
            **WORDS, "parent": parent, "organizations": organizations,
            "error": message(exc), "values": fields}, status_code=status_of(exc))
    return to_manage(request, amendment_id)


routes = [
    Route("/motions", motion_list, methods=["GET"], name="motion_list"),
    Route("/motions/new", motion_new, methods=["GET"], name="motion_new"),
    Route("/motions/new", motion_create, methods=["POST"], name="motion_create"),
    Route("/motions/{motion_id:int}", motion_manage, methods=["GET"], name="motion_manage"),
    Route("/motions/{motion_id:int}/edit", motion_edit, methods=["GET"], name="motion_edit"),
    Route("/motions/{motion_id:int}/edit", motion_update, methods=["POST"],
          name="motion_update"),
    Route("/motions/{motion_id:int}/move", motion_move, methods=["POST"], name="motion_move"),
    Route("/motions/{motion_id:int}/amend", amend_page, methods=["GET"], name="motion_amend"),
    Route("/motions/{motion_id:int}/amend", amend_submit, methods=["POST"],
          name="motion_amend_submit"),
    *views_content.routes,
]
