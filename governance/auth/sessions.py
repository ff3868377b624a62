"""Which session a request carries, and whoever it acts for, found inside the operation's own
transaction: a bearer token on the API, the cookie on pages.

A session's `last_seen_at` (which its idle timeout counts from) is written at most once a
minute, in the transaction of the operation itself when that one may write.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session
from starlette.requests import Request

from governance.auth import services
from governance.auth.roles import Principal
from governance.settings import Settings


def request_token(request: Request) -> str | None:
    if request.url.path.startswith("/api/"):
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None
    cookie_name = request.app.state.cookies.session
    return request.state.cookies.get(cookie_name) or None


def identify(db: Session, settings: Settings, token: str | None, now: datetime, *,
             may_touch: bool) -> tuple[Principal | None, bool]:
    """(the principal of `token`, whether its session still owes a touch).

    With `may_touch`, a session last seen a minute ago or more is touched here, and written
    when this transaction commits. A read transaction on SQLite may not: a deferred
    transaction that has read and then writes fails at once when another connection wrote
    meanwhile, so the caller touches in a short write transaction of its own instead.
    """
    if not token:
        return None, False
    row = services.live_session(db, settings, token, now)
    principal = None if row is None else services.principal_of(db, row)
    if row is None or principal is None:
        return None, False
    if now - row.last_seen_at < services.TOUCH_EVERY:
        return principal, False
    if may_touch:
        row.last_seen_at = now
        return principal, False
    return principal, True
