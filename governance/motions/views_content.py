"""The small forms of a motion's manage page: translations, objectives, links, attachments.
Each does one thing and returns to the page (or shows it again with the error)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from governance import errors
from governance.auth.current import require
from governance.motions import attachments, content
from governance.motions.api import WRITERS, actor
from governance.motions.pages import act, manage_page, message, to_manage
from governance.web.api import path_int
from governance.web.errors import status_of
from governance.web.forms import read_form, text
from governance.web.transaction import in_db


def _number(form: FormData, name: str = "number") -> int:
    raw = text(form, name)
    if not raw.isdigit() or len(raw) > 3:
        raise errors.InvalidInput("%(field)s must be a positive whole number.", field=name)
    return int(raw)


async def text_save(request: Request) -> Response:
    motion_id = path_int(request, "motion_id")
    return await act(request, motion_id, "texts", lambda db, form, who: content.set_text(
        db, motion_id, text(form, "language"), text(form, "title"), text(form, "body"), who))


async def text_remove(request: Request) -> Response:
    motion_id = path_int(request, "motion_id")
    return await act(request, motion_id, "texts", lambda db, form, who: content.remove_text(
        db, motion_id, text(form, "language"), who))


async def objective_save(request: Request) -> Response:
    motion_id = path_int(request, "motion_id")
    return await act(request, motion_id, "objectives",
                     lambda db, form, who: content.set_objective(
                         db, motion_id, _number(form), text(form, "title"),
                         text(form, "body"), who))


async def objective_translate(request: Request) -> Response:
    motion_id = path_int(request, "motion_id")
    return await act(request, motion_id, "objectives",
                     lambda db, form, who: content.translate_objective(
                         db, motion_id, _number(form), text(form, "language"),
                         text(form, "title"), text(form, "body"), who))


async def objective_outcome(request: Request) -> Response:
    motion_id = path_int(request, "motion_id")
    return await act(request, motion_id, "objectives",
                     lambda db, form, who: content.record_objective_outcome(
                         db, motion_id, _number(form), text(form, "outcome") or None,
                         text(form, "poll_id") or None, who))


async def objective_remove(request: Request) -> Response:
    motion_id = path_int(request, "motion_id")
    return await act(request, motion_id, "objectives",
                     lambda db, form, who: content.remove_objective(
                         db, motion_id, _number(form), who))


async def link_add(request: Request) -> Response:
    motion_id = path_int(request, "motion_id")
    return await act(request, motion_id, "links", lambda db, form, who: content.link_motions(
        db, motion_id, text(form, "relation"), text(form, "code"), who))


async def link_remove(request: Request) -> Response:
    motion_id = path_int(request, "motion_id")
    return await act(request, motion_id, "links", lambda db, form, who: content.unlink_motions(
        db, motion_id, _number(form, "link_id"), who))


async def attachment_add(request: Request) -> Response:
    """The upload is read here, on the event loop; the checks and the record run in `in_db`."""
    motion_id = path_int(request, "motion_id")
    settings = request.app.state.settings
    principal = await require(request, *WRITERS)
    form = await read_form(request)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise errors.InvalidInput("Choose a PDF file to attach.", field="file")
        name, raw = upload.filename, await upload.read(attachments.MAX_BYTES + 1)
        await in_db(request, lambda db: attachments.add_attachment(
            db, settings, motion_id, name, raw, actor(principal)), write=True)
    except (errors.InvalidInput, errors.Conflict, errors.PayloadTooLarge) as exc:
        return await manage_page(request, motion_id, message(exc), status_of(exc))
    finally:
        await form.close()
    return to_manage(request, motion_id, "attachments")


async def attachment_remove(request: Request) -> Response:
    motion_id = path_int(request, "motion_id")
    return await act(request, motion_id, "attachments",
                     lambda db, form, who: attachments.remove_attachment(
                         db, motion_id, _number(form, "attachment_id"), who))


def _route(path: str, endpoint: Any, name: str) -> Route:
    return Route("/motions/{motion_id:int}" + path, endpoint, methods=["POST"], name=name)


routes = [
    _route("/texts", text_save, "motion_text_save"),
    _route("/texts/remove", text_remove, "motion_text_remove"),
    _route("/objectives", objective_save, "motion_objective_save"),
    _route("/objectives/translate", objective_translate, "motion_objective_translate"),
    _route("/objectives/outcome", objective_outcome, "motion_objective_outcome"),
    _route("/objectives/remove", objective_remove, "motion_objective_remove"),
    _route("/links", link_add, "motion_link_add"),
    _route("/links/remove", link_remove, "motion_link_remove"),
    _route("/attachments", attachment_add, "motion_attachment_add"),
    _route("/attachments/remove", attachment_remove, "motion_attachment_remove"),
]
