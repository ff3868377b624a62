"""Login and logout: pages for browsers (cookie session) and API operations (bearer token)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from governance import errors
from governance.auth import services
from governance.auth.current import authenticate, client_address, request_token
from governance.db import utcnow
from governance.web.api import Operations, ok, read_json
from governance.web.forms import in_db, read_form, text
from governance.web.templating import render

api = Operations(tag="auth")

LOGIN_REQUEST: dict[str, Any] = {
    "type": "object",
    "required": ["username", "password"],
    "properties": {
        "username": {"type": "string", "minLength": 1, "maxLength": 80},
        "password": {"type": "string", "minLength": 1, "maxLength": 1000},
    },
    "additionalProperties": False,
}
LOGIN_RESPONSE: dict[str, Any] = {
    "type": "object",
    "required": ["token", "role", "expires_at"],
    "properties": {
        "token": {"type": "string"},
        "role": {"type": "string"},
        "expires_at": {"type": "string", "format": "date-time"},
    },
}


def _safe_next(target: str | None) -> str:
    """Only same-site paths: a login link must not bounce the user to another site."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


async def login_page(request: Request) -> Response:
    return render(request, "auth/login.html", {"next": _safe_next(request.query_params.get("next")),
                                                 "error": None, "username": ""})


def _expires_at(request: Request) -> str:
    settings = request.app.state.settings
    from datetime import timedelta

    return (utcnow() + timedelta(hours=settings.session_absolute_hours)).isoformat()


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    cookies = request.app.state.cookies
    settings = request.app.state.settings
    response.headers.append(
        "Set-Cookie",
        f"{cookies.session}={token}; {cookies.attributes(settings.session_absolute_hours * 3600)}",
    )


async def login_submit(request: Request) -> Response:
    form = await read_form(request)
    username, password = text(form, "username"), str(form.get("password") or "")
    next_url = _safe_next(text(form, "next"))
    settings, client, now = request.app.state.settings, client_address(request), utcnow()
    try:
        token, _user = await in_db(
            request,
            lambda db: services.login_staff(db, settings, username, password, client, now),
            write=True,
        )
    except (errors.NotAuthenticated, errors.RateLimited) as exc:
        await _record_failure(request, exc, "user:" + username.lower(), client, now)
        from governance import i18n

        return render(
            request, "auth/login.html",
            {"next": next_url, "username": username, "error": i18n.gettext(exc.message, **exc.params)},
            status_code=429 if isinstance(exc, errors.RateLimited) else 401,
        )
    old = request_token(request)
    if old:  # a new id at every login; the old session ends
        await in_db(request, lambda db: services.end_session(db, old), write=True)
    response = RedirectResponse(next_url, status_code=303)
    set_session_cookie(request, response, token)
    return response


async def _record_failure(
    request: Request, exc: Exception, account: str, client: str, now: Any
) -> None:
    # The failed attempt's transaction rolled back with the error; record it on its own.
    if isinstance(exc, errors.NotAuthenticated):
        await in_db(
            request,
            lambda db: services.record_attempt(db, "password", account, client, False, now),
            write=True,
        )


async def logout_submit(request: Request) -> Response:
    await read_form(request)
    token = request_token(request)
    if token:
        await in_db(request, lambda db: services.end_session(db, token), write=True)
    response = RedirectResponse(request.url_for("home"), status_code=303)
    cookies = request.app.state.cookies
    response.headers.append("Set-Cookie", f"{cookies.session}=; {cookies.attributes(0)}")
    return response


@api.op("POST", "/login", "login", summary="Log in and get a bearer token",
        request=LOGIN_REQUEST, response=LOGIN_RESPONSE, errors=[401, 429])
async def api_login(request: Request) -> Response:
    body = await read_json(request, LOGIN_REQUEST)
    settings, client, now = request.app.state.settings, client_address(request), utcnow()
    try:
        token, user = await in_db(
            request,
            lambda db: services.login_staff(db, settings, body["username"], body["password"],
                                           client, now),
            write=True,
        )
    except errors.NotAuthenticated as exc:
        await _record_failure(request, exc, "user:" + body["username"].lower(), client, now)
        raise
    return ok({"token": token, "role": user.role, "expires_at": _expires_at(request)})


@api.op("POST", "/logout", "logout", summary="End the session of this bearer token",
        roles=["any"], response={"type": "object", "properties": {"ok": {"type": "boolean"}}})
async def api_logout(request: Request) -> Response:
    if await authenticate(request) is None:
        raise errors.NotAuthenticated("Log in to continue.")
    token = request_token(request)
    assert token is not None
    await in_db(request, lambda db: services.end_session(db, token), write=True)
    return ok({"ok": True})


routes = [
    Route("/login", login_page, methods=["GET"], name="login_page"),
    Route("/login", login_submit, methods=["POST"], name="login_submit"),
    Route("/logout", logout_submit, methods=["POST"], name="logout"),
]
