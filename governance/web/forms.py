"""Reading HTML forms: size limits and the CSRF check every state-changing form goes through."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request

from governance import errors

T = TypeVar("T")

MAX_FORM_BYTES = 12_000_000  # an uploaded CSV or letter; per-file limits are checked by domain


async def read_form(request: Request) -> FormData:
    """The submitted form, once its CSRF token is checked. A caller that reads uploaded files
    closes the form when done."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_FORM_BYTES:
        raise errors.PayloadTooLarge("The request is larger than %(limit)s bytes.",
                                     limit=MAX_FORM_BYTES)
    form = await request.form(max_files=5, max_fields=500, max_part_size=MAX_FORM_BYTES)
    sent = form.get("csrf_token")
    expected = request.state.csrf_token
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent, expected):
        await form.close()
        raise errors.Forbidden(
            "This form has expired. Go back, reload the page and try again.", code="csrf"
        )
    for name, value in form.multi_items():
        if isinstance(value, str) and "\x00" in value:  # uploaded files may hold any byte
            await form.close()
            raise errors.InvalidInput("%(field)s contains a NUL character.", field=name[:40])
    return form


def text(form: FormData, name: str, default: str = "") -> str:
    value = form.get(name, default)
    return value.strip() if isinstance(value, str) else default


async def in_db(
    request: Request, work: Callable[[Session], T], write: bool = False
) -> T:
    """Run `work(session)` in one transaction on the thread pool, off the event loop."""
    database = request.app.state.database

    def run() -> T:
        with database.transaction(write=write) as session:
            return work(session)

    return await run_in_threadpool(run)

