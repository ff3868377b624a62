"""Reading HTML forms: size limits and the CSRF check every state-changing form goes through."""

from __future__ import annotations

import hmac

from starlette.datastructures import FormData
from starlette.requests import Request

from governance import errors

MAX_FORM_BYTES = 12_000_000  # an uploaded CSV or letter; per-file limits are checked by domain


async def read_form(request: Request, *, check: bool = True) -> FormData:
    """The submitted form, once its CSRF token is checked (`check_form`). A caller that reads
    uploaded files closes the form when done. With `check=False` the caller checks it later,
    in the page's own transaction (`in_transaction(…, form=form)`), after the principal's role:
    so that a visitor who is not logged in is sent to log in rather than told the form expired.
    """
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_FORM_BYTES:
        raise errors.PayloadTooLarge("The request is larger than %(limit)s bytes.",
                                     limit=MAX_FORM_BYTES)
    form = await request.form(max_files=5, max_fields=500, max_part_size=MAX_FORM_BYTES)
    if check:
        try:
            check_form(request, form)
        except errors.DomainError:
            await form.close()
            raise
    return form


def check_form(request: Request, form: FormData) -> None:
    """The form's CSRF token is this session's, and no field holds a NUL character."""
    sent = form.get("csrf_token")
    expected = request.state.csrf_token
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent, expected):
        raise errors.Forbidden(
            "This form has expired. Go back, reload the page and try again.", code="csrf"
        )
    for name, value in form.multi_items():
        if isinstance(value, str) and "\x00" in value:  # uploaded files may hold any byte
            raise errors.InvalidInput("%(field)s contains a NUL character.", field=name[:40])


def text(form: FormData, name: str, default: str = "") -> str:
    value = form.get(name, default)
    return value.strip() if isinstance(value, str) else default
