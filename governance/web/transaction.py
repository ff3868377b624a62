"""One trip per request: find whoever the request acts for, check the roles it needs, and do
its work, in one transaction and one hop to the thread pool.

    receipt = await in_transaction(request, lambda db, who: cast(db, who, ...),
                                   roles=roles.DELEGATE, write=True)

The API registry (`governance.web.api`) calls this for every operation, and the pages call it
directly, so a ballot costs one transaction whether it comes from a phone's form or from the
API. The session's touch rides in the same transaction (see `governance.auth.sessions`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request

from governance.auth import services as auth
from governance.auth.roles import Principal, enforce
from governance.auth.sessions import identify, request_token
from governance.db import utcnow
from governance.web.forms import check_form

T = TypeVar("T")


async def in_transaction(request: Request, work: Callable[[Session, Principal | None], T], *,
                         roles: Sequence[str], write: bool, form: FormData | None = None,
                         batched: bool = False) -> T:
    """`work(db, who)` in one transaction on the thread pool, once `who` (the request's
    principal, None when nobody is logged in) holds one of `roles` (`governance.auth.roles`)
    and, for a page, the `form` it posted passes its checks (`governance.web.forms`).
    Committed when `work` returns, rolled back when it raises.

    `batched`: a ballot. The same, as one piece of the process's ballot writer: in the
    transaction it shares with the ballots that arrive at the same moment, answered after
    that transaction commits (governance/polls/writer.py)."""
    database = request.app.state.database
    settings = request.app.state.settings
    token = request_token(request)
    now = utcnow()

    if batched:
        def piece(db: Session) -> T:
            who, _owed = identify(db, settings, token, now, may_touch=True)
            request.state.principal = who
            enforce(who, roles)
            if form is not None:
                check_form(request, form)
            return work(db, who)

        return await request.app.state.ballot_writer.run(piece)  # type: ignore[no-any-return]

    def run() -> T:
        owed = False
        with database.transaction(write=write) as db:
            who, owed = identify(db, settings, token, now,
                                 may_touch=write or not database.is_sqlite)
            request.state.principal = who  # for the page's header and the refusal log
            enforce(who, roles)
            if form is not None:
                check_form(request, form)
            result = work(db, who)
        if owed and token:
            with database.transaction(write=True) as db:
                auth.touch(db, token, now)
        return result

    return await run_in_threadpool(run)


async def in_db(request: Request, work: Callable[[Session], T], write: bool = False) -> T:
    """Run `work(session)` in one transaction on the thread pool, off the event loop (for
    work that needs no principal, such as a login)."""
    database = request.app.state.database

    def run() -> T:
        with database.transaction(write=write) as session:
            return work(session)

    return await run_in_threadpool(run)
