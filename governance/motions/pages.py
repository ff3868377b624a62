"""What the board's motion pages share: the words templates show, reading form fields, and the
manage page that every small form on it returns to."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from governance import errors, i18n
from governance.archive.dates import format_dated
from governance.auth.current import require
from governance.motions import services
from governance.motions.api import WRITERS, actor
from governance.motions.markdown import render as markdown
from governance.motions.workflow import (
    INVERSE_NAMES,
    KIND_NAMES,
    KINDS,
    OBJECTIVE_OUTCOMES,
    RELATION_NAMES,
    RELATIONS,
    STATUS_NAMES,
    STATUSES,
    TEXT_LANGUAGE_NAMES,
    TEXT_LANGUAGES,
    next_statuses,
)
from governance.web.errors import status_of
from governance.web.forms import read_form, text
from governance.web.templating import render
from governance.web.transaction import in_db

READERS = ("board", "committee", "auditor")

# What every motion template may show: names of kinds, statuses, languages, relations.
WORDS: dict[str, Any] = {
    "kind_names": KIND_NAMES, "status_names": STATUS_NAMES, "kinds": KINDS,
    "statuses": STATUSES, "text_languages": TEXT_LANGUAGES,
    "language_names": TEXT_LANGUAGE_NAMES, "relations": RELATIONS,
    "relation_names": RELATION_NAMES, "inverse_names": INVERSE_NAMES,
    "outcomes": OBJECTIVE_OUTCOMES, "markdown": markdown, "format_dated": format_dated,
    "next_statuses": next_statuses,
}

RECORD_FIELDS = ("tags", "assembly_id", "assembly_name", "dated", "amendment_deadline",
                 "source_note", "outcome_note", "result_poll_id")
WORDING_FIELDS = ("code", "kind", "title", "body", "submitter", "submitter_organization_id")


def message(exc: errors.DomainError) -> str:
    return i18n.gettext(exc.message, **exc.params)


def form_fields(form: FormData, names: tuple[str, ...]) -> dict[str, Any]:
    """Form values as the services take them: empty optional numbers and dates become None."""
    fields: dict[str, Any] = {}
    for name in names:
        value: Any = text(form, name)
        if name in ("submitter_organization_id", "assembly_id", "result_poll_id") and not value:
            value = None
        if name == "amendment_deadline" and value:
            # <input type=datetime-local> has no zone; the form says the time is UTC.
            value = value if ("+" in value[10:] or value.endswith("Z")) else value + "+00:00"
        fields[name] = value
    return fields


def to_manage(request: Request, motion_id: int, anchor: str = "") -> RedirectResponse:
    url = str(request.url_for("motion_manage", motion_id=motion_id))
    return RedirectResponse(url + (f"#{anchor}" if anchor else ""), status_code=303)


async def manage_page(request: Request, motion_id: int, error: str | None = None,
                      status_code: int = 200) -> Response:
    def load(db: Any) -> tuple[services.MotionDetail, list[Any]]:
        found = services.detail(db, services.get_motion(db, motion_id))
        return found, services.organization_choices(db)

    found, organizations = await in_db(request, load)
    return render(request, "motions/manage.html", {
        **WORDS, "found": found, "motion": found.motion, "error": error,
        "organizations": organizations}, status_code=status_code)


async def act(request: Request, motion_id: int, anchor: str,
              work: Callable[[Any, FormData, str], Any], roles: tuple[str, ...] = WRITERS
              ) -> Response:
    """A form on the manage page: do `work`, go back to the page, or show it with the error."""
    principal = await require(request, *roles)
    form = await read_form(request)
    try:
        await in_db(request, lambda db: work(db, form, actor(principal)), write=True)
    except (errors.InvalidInput, errors.Conflict, errors.PayloadTooLarge) as exc:
        return await manage_page(request, motion_id, message(exc), status_of(exc))
    finally:
        await form.close()
    return to_manage(request, motion_id, anchor)
