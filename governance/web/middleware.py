"""Per-request setup done once for every route: language, CSRF token, CSP nonce, headers."""

from __future__ import annotations

import hashlib
import secrets
from http.cookies import SimpleCookie
from typing import Any

from starlette.datastructures import MutableHeaders, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from governance import i18n
from governance.settings import Settings


class CookieNames:
    def __init__(self, secure: bool) -> None:
        # __Host- cookies are only accepted over HTTPS, so the local demo uses plain names.
        prefix = "__Host-" if secure else ""
        self.session = prefix + "asamblea_session"
        self.csrf = prefix + "asamblea_csrf"
        self.secure = secure

    def attributes(self, max_age: int | None = None) -> str:
        parts = ["Path=/", "HttpOnly", "SameSite=Lax"]
        if self.secure:
            parts.append("Secure")
        if max_age is not None:
            parts.append(f"Max-Age={max_age}")
        return "; ".join(parts)


def csrf_for_session(session_token: str) -> str:
    """A form token bound to the session: derived from its secret, useless without it."""
    return hashlib.sha256(b"asamblea-csrf\x00" + session_token.encode()).hexdigest()


class RequestSetup:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.cookies = CookieNames(settings.secure_cookies)
        self.hsts = settings.secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(headers.get("cookie", ""))
        except Exception:  # noqa: BLE001, S110 - a garbled Cookie header is treated as no cookies
            jar = SimpleCookie()
        cookies = {k: m.value for k, m in jar.items()}
        query = QueryParams(scope.get("query_string", b"").decode("latin-1"))

        asked = query.get("lang")
        if scope["path"].startswith("/api/"):
            # API clients get English unless they ask for a language; cookies are for browsers.
            language = i18n.negotiate(asked, None, headers.get("accept-language", "en"))
        else:
            language = i18n.negotiate(asked, cookies.get("lang"),
                                      headers.get("accept-language", ""))
        i18n.set_language(language)

        session_token = cookies.get(self.cookies.session)
        new_csrf = None
        if session_token:
            csrf = csrf_for_session(session_token)
        else:
            csrf = cookies.get(self.cookies.csrf) or ""
            if len(csrf) != 43:
                csrf = new_csrf = secrets.token_urlsafe(32)
        nonce = secrets.token_urlsafe(16)
        state: dict[str, Any] = scope.setdefault("state", {})
        state.update(csrf_token=csrf, csp_nonce=nonce, language=language, cookies=cookies)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                out.setdefault(
                    "Content-Security-Policy",
                    f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
                    f"style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; "
                    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
                )
                out.setdefault("X-Content-Type-Options", "nosniff")
                out.setdefault("Referrer-Policy", "same-origin")
                out.setdefault("X-Frame-Options", "DENY")
                if self.hsts:
                    out.setdefault("Strict-Transport-Security", "max-age=31536000")
                if new_csrf:
                    out.append(
                        "Set-Cookie", f"{self.cookies.csrf}={new_csrf}; {self.cookies.attributes()}"
                    )
                if asked in i18n.LANGUAGES and asked != cookies.get("lang"):
                    out.append("Set-Cookie", f"lang={asked}; Path=/; SameSite=Lax; Max-Age=31536000")
            await send(message)

        await self.app(scope, receive, send_with_headers)
