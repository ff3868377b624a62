"""Per-request setup done once for every route: language, CSRF token, CSP nonce, headers, and
the checks that hold for every request whatever view it reaches (body size, cross-site forms)."""

from __future__ import annotations

import hashlib
import logging
import secrets
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders, QueryParams
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from governance import errors, i18n
from governance.settings import Settings

# No request body is larger: a proxy letter or a registry CSV is at most 5 MB (each view has
# its own, smaller limit; this one also stops chunked bodies, whose size is not declared).
log = logging.getLogger("asamblea.security")

MAX_BODY_BYTES = 12_000_000
# No address of ours is longer; a longer one (e.g. a 5,000-digit poll number, which Python
# refuses to read as a number) is refused before routing.
MAX_PATH_CHARS = 2048
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CookieNames:
    def __init__(self, secure: bool) -> None:
        # __Host- cookies are only accepted over HTTPS, so the local demo uses plain names.
        prefix = "__Host-" if secure else ""
        self.session = prefix + "asamblea_session"
        self.csrf = prefix + "asamblea_csrf"
        self.secure = secure

    def attributes(self, max_age: int | None = None) -> str:
        # SameSite=Lax: a link from elsewhere (the QR code on a credential sheet, a mail) still
        # opens the page logged in, while a form posted from another site carries no cookie.
        parts = ["Path=/", "HttpOnly", "SameSite=Lax"]
        if self.secure:
            parts.append("Secure")
        if max_age is not None:
            parts.append(f"Max-Age={max_age}")
        return "; ".join(parts)


def csrf_for_session(session_token: str) -> str:
    """A form token bound to the session: derived from its secret, useless without it."""
    return hashlib.sha256(b"asamblea-csrf\x00" + session_token.encode()).hexdigest()


def content_security_policy(nonce: str) -> str:
    return (
        f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
        f"style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )


def apply_security_headers(headers: MutableHeaders, nonce: str, hsts: bool,
                           path: str = "") -> None:
    """The headers every response carries, unless the response set its own (a proxy letter
    sets a stricter sandboxing CSP). Also used by the 500 handler, which runs outside this
    middleware."""
    headers.setdefault("Content-Security-Policy", content_security_policy(nonce))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if not path.startswith("/static/"):
        # Pages and API answers hold personal data (registry, delegates, receipts): a shared
        # computer's cache or the back button must not keep them.
        headers.setdefault("Cache-Control", "no-store")
    if hsts:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def cross_site(scope: Scope, headers: dict[str, str]) -> bool:
    """A browser that says the request comes from another site (Fetch Metadata or Origin).
    Requests without these headers (older browsers, API clients) are left to the CSRF token."""
    if headers.get("sec-fetch-site") == "cross-site":
        return True
    origin = headers.get("origin")
    if origin is None:
        return False
    host = headers.get("host", "")
    # Compare hosts only: behind a TLS-terminating proxy the app sees http while the page is
    # https, so the scheme would differ for honest requests.
    return origin == "null" or urlsplit(origin).netloc.lower() != host.lower()


class RequestSetup:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.cookies = CookieNames(settings.secure_cookies)
        self.hsts = settings.secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(headers.get("cookie", ""))
        except Exception:  # noqa: BLE001, S110 - a garbled Cookie header is treated as no cookies
            jar = SimpleCookie()
        cookies = {k: m.value for k, m in jar.items()}
        query = QueryParams(scope.get("query_string", b"").decode("latin-1"))
        is_api = scope["path"].startswith("/api/")

        asked = query.get("lang")
        if is_api:
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
        path = scope["path"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                apply_security_headers(out, nonce, self.hsts, path)
                if new_csrf:
                    out.append(
                        "Set-Cookie", f"{self.cookies.csrf}={new_csrf}; {self.cookies.attributes()}"
                    )
                if asked in i18n.LANGUAGES and asked != cookies.get("lang"):
                    secure = "; Secure" if self.cookies.secure else ""
                    out.append("Set-Cookie",
                               f"lang={asked}; Path=/; SameSite=Lax; Max-Age=31536000{secure}")
            await send(message)

        refusal = self._refusal(scope, headers, is_api)
        if refusal is not None:
            from governance.web.errors import error_response  # errors imports templating

            status, code, message = refusal
            request = Request(scope)
            log_refusal(request, status, code)
            response = error_response(request, status, code, i18n.gettext(message))
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, _limited(receive), send_with_headers)

    def _refusal(self, scope: Scope, headers: dict[str, str],
                 is_api: bool) -> tuple[int, str, str] | None:
        if len(scope["path"]) > MAX_PATH_CHARS:
            return 414, "uri_too_long", i18n.N_("The address is too long.")
        if "\x00" in scope["path"] or b"%00" in scope.get("query_string", b"").lower():
            # No text of ours holds a NUL character, and PostgreSQL refuses one in a query.
            return 422, "invalid", i18n.N_("The request contains a NUL character.")
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
            return 413, "too_large", i18n.N_("The request is too large.")
        if not is_api and scope["method"] in UNSAFE_METHODS and cross_site(scope, headers):
            # Defence in depth beside the form token: no page accepts a form from another site.
            return 403, "csrf", i18n.N_(
                "This form has expired. Go back, reload the page and try again.")
        return None


def log_refusal(request: Request, status: int, code: str, who: str = "") -> None:
    """A refused request in the application log (ASVS 16.3.2-3): who, what, from where. Values
    from the request are written with repr(), so they cannot forge log lines."""
    client = request.client.host if request.client else "unknown"
    log.warning("refused %s %r with %s %s for %s from %r", request.method, request.url.path,
                status, code, who or "nobody", client)


def _limited(receive: Receive) -> Receive:
    """`receive` that refuses a body growing past MAX_BODY_BYTES (chunked uploads declare no
    length), before a view or the form parser spools it to disk."""
    size = 0

    async def counted() -> Message:
        nonlocal size
        message = await receive()
        if message["type"] == "http.request":
            size += len(message.get("body", b""))
            if size > MAX_BODY_BYTES:
                raise errors.PayloadTooLarge("The request is larger than %(limit)s bytes.",
                                             limit=MAX_BODY_BYTES)
        return message

    return counted
