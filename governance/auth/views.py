"""Login and logout: pages for browsers (cookie session) and API operations (bearer token)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from governance import errors, i18n
from governance.assemblies import credentials
from governance.auth import services
from governance.auth.current import authenticate, client_address
from governance.auth.sessions import request_token
from governance.db import utcnow
from governance.web.api import Operations, ok, read_json
from governance.web.forms import read_form, text
from governance.web.templating import render
from governance.web.transaction import in_db

api = Operations(tag="auth")

STAFF_LOGIN: dict[str, Any] = {
    "type": "object",
    "title": "Staff",
    "required": ["username", "password"],
    "properties": {
        "username": {"type": "string", "minLength": 1, "maxLength": 80},
        "password": {"type": "string", "minLength": 1, "maxLength": 1000},
    },
    "additionalProperties": False,
}
DELEGATE_LOGIN: dict[str, Any] = {
    "type": "object",
    "title": "Delegate",
    "required": ["credential"],
    "properties": {
        "credential": {"type": "string", "minLength": 1, "maxLength": 200,
                       "description": "as printed; case, spaces and dashes do not matter"},
    },
    "additionalProperties": False,
}
LOGIN_REQUEST: dict[str, Any] = {"oneOf": [STAFF_LOGIN, DELEGATE_LOGIN]}
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


def _login_context(request: Request, **values: Any) -> dict[str, Any]:
    context: dict[str, Any] = {"next": _safe_next(request.query_params.get("next")),
                               "error": None, "form": None, "username": "", "credential": ""}
    context.update(values)
    return context


async def login_page(request: Request) -> Response:
    typed = (request.query_params.get("cred") or "")[:40]
    prefill = ""
    if typed:
        identifier = credentials.normalize_identifier(typed)
        prefill = identifier + "-" if identifier else ""
        principal = await authenticate(request)
        if identifier and principal is not None and principal.has_role("committee"):
            # The committee scanning a sheet's QR code is taken to that delegate's check-in.
            target = await in_db(request, lambda db: credentials.check_in_target(db, identifier))
            if target is not None:
                return RedirectResponse(request.url_for(
                    "scan_check_in", assembly_id=target[0], credential_id=target[1]),
                    status_code=303)
    return render(request, "auth/login.html", _login_context(request, credential=prefill))


def _expires_at(request: Request) -> str:
    settings = request.app.state.settings
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
        await _record_failure(request, exc, username, client, now)
        return render(
            request, "auth/login.html",
            _login_context(request, next=next_url, username=username, form="staff",
                           error=i18n.gettext(exc.message, **exc.params)),
            status_code=429 if isinstance(exc, errors.RateLimited) else 401,
        )
    old = request_token(request)
    if old:  # a new id at every login; the old session ends
        await in_db(request, lambda db: services.end_session(db, old), write=True)
    response = RedirectResponse(next_url, status_code=303)
    set_session_cookie(request, response, token)
    return response


async def _record_failure(
    request: Request, exc: Exception, username: str, client: str, now: Any
) -> None:
    # The failed attempt's transaction rolled back with the error; record it on its own.
    account, limited = services.staff_account(username), isinstance(exc, errors.RateLimited)
    await in_db(
        request,
        lambda db: services.record_attempt(db, "password", account, client, False, now, limited),
        write=True,
    )


async def credential_submit(request: Request) -> Response:
    """A delegate logs in with the credential; lands on "my assembly" unless sent elsewhere."""
    form = await read_form(request)
    typed = str(form.get("credential") or "")[:200]
    next_url = _safe_next(text(form, "next"))
    client, now = client_address(request), utcnow()
    try:
        token = await _delegate_login(request, typed, client, now)
    except (errors.NotAuthenticated, errors.RateLimited) as exc:
        return render(
            request, "auth/login.html",
            _login_context(request, next=next_url, credential=typed.strip(), form="delegate",
                           error=i18n.gettext(exc.message, **exc.params)),
            status_code=429 if isinstance(exc, errors.RateLimited) else 401,
        )
    old = request_token(request)
    if old:
        await in_db(request, lambda db: services.end_session(db, old), write=True)
    target = next_url if next_url != "/" else str(request.url_for("delegate_home"))
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, token)
    return response


async def _delegate_login(request: Request, typed: str, client: str, now: Any) -> str:
    settings = request.app.state.settings
    try:
        # Read, verify the hash outside any transaction, then write: the slow Argon2id check
        # never holds the database's write lock (see credentials.credential_matches).
        candidate = await in_db(
            request, lambda db: credentials.find_credential(db, settings, typed, client, now))
        if not await run_in_threadpool(credentials.credential_matches, settings, candidate):
            raise credentials.bad_credential()
        token, _delegate = await in_db(
            request,
            lambda db: credentials.open_delegate_session(db, settings, candidate, client, now),
            write=True,
        )
    except (errors.NotAuthenticated, errors.RateLimited) as exc:
        # The failed attempt's transaction rolled back with the error; record it on its own.
        limited = isinstance(exc, errors.RateLimited)
        await in_db(request, lambda db: credentials.record_failure(db, typed, client, now,
                                                                   limited), write=True)
        raise
    return token  # type: ignore[no-any-return]


async def logout_submit(request: Request) -> Response:
    await read_form(request)
    token = request_token(request)
    if token:
        await in_db(request, lambda db: services.end_session(db, token), write=True)
    response = RedirectResponse(request.url_for("home"), status_code=303)
    cookies = request.app.state.cookies
    response.headers.append("Set-Cookie", f"{cookies.session}=; {cookies.attributes(0)}")
    return response


@api.op("POST", "/login", "login",
        summary="Log in and get a bearer token: staff with username and password, a delegate "
                "with the credential",
        request=LOGIN_REQUEST, response=LOGIN_RESPONSE, errors=[401, 429])
async def api_login(request: Request) -> Response:
    body = await read_json(request, LOGIN_REQUEST)
    settings, client, now = request.app.state.settings, client_address(request), utcnow()
    if "credential" in body:
        token = await _delegate_login(request, body["credential"], client, now)
        return ok({"token": token, "role": "delegate", "expires_at": _expires_at(request)})
    try:
        token, user = await in_db(
            request,
            lambda db: services.login_staff(db, settings, body["username"], body["password"],
                                           client, now),
            write=True,
        )
    except (errors.NotAuthenticated, errors.RateLimited) as exc:
        await _record_failure(request, exc, body["username"], client, now)
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
    Route("/login/credential", credential_submit, methods=["POST"],
          name="login_credential_submit"),
    Route("/logout", logout_submit, methods=["POST"], name="logout"),
]
