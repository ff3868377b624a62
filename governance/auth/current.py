"""The principal of the current request: a bearer token on the API, the cookie on pages."""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.requests import Request

from governance import errors
from governance.auth import services
from governance.auth.services import Principal
from governance.db import utcnow
from governance.web.forms import in_db


def request_token(request: Request) -> str | None:
    if request.url.path.startswith("/api/"):
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None
    cookie_name = request.app.state.cookies.session
    return request.state.cookies.get(cookie_name) or None


async def authenticate(request: Request) -> Principal | None:
    if "principal" in request.state._state:  # noqa: SLF001 - memoized for this request
        return request.state.principal  # type: ignore[no-any-return]
    token = request_token(request)
    principal = None
    if token:
        settings = request.app.state.settings
        now = utcnow()
        def look_up(db: Session) -> tuple[Principal | None, bool]:
            # One read transaction (and one trip to the thread pool) for both questions.
            found = services.resolve(db, settings, token, now)
            return found, found is not None and services.needs_touch(db, token, now)

        principal, stale = await in_db(request, look_up)
        if stale:
            await in_db(request, lambda db: services.touch(db, token, now), write=True)
    request.state.principal = principal
    return principal


async def require(request: Request, *roles: str) -> Principal:
    """The principal, who must hold one of `roles` (any logged-in principal when none given)."""
    principal = await authenticate(request)
    if principal is None:
        raise errors.NotAuthenticated("Log in to continue.")
    if roles and not principal.has_role(*roles):
        raise errors.Forbidden("Your role does not allow this. Ask the secretariat if you need it.")
    return principal


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
