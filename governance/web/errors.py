"""The one place where domain errors become HTTP: a status, an error page or the JSON error object."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from governance import errors, i18n
from governance.web.middleware import apply_security_headers, log_refusal
from governance.web.templating import render

log = logging.getLogger("asamblea")

STATUS: dict[type[Exception], int] = {
    errors.InvalidInput: 422,
    errors.NotFound: 404,
    errors.NotAuthenticated: 401,
    errors.Forbidden: 403,
    errors.Conflict: 409,
    errors.RateLimited: 429,
    errors.PayloadTooLarge: 413,
    errors.Busy: 503,
}

_HTTP_CODES = {
    400: ("bad_request", i18n.N_("The request could not be understood.")),
    404: ("not_found", i18n.N_("There is nothing at this address.")),
    405: ("method_not_allowed", i18n.N_("This address does not accept that method.")),
    413: ("too_large", i18n.N_("The request is too large.")),
    414: ("uri_too_long", i18n.N_("The address is too long.")),
    500: ("server_error", i18n.N_("Something went wrong on our side. Nothing you sent was lost.")),
}


def status_of(exc: Exception) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, status: int, code: str, message: str) -> Response:
    if is_api(request):
        return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)
    template = f"errors/{status}.html" if status in (401, 403, 404) else "errors/error.html"
    return render(
        request, template, {"status": status, "code": code, "message": message}, status_code=status
    )


async def domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, errors.DomainError)
    status = status_of(exc)
    if status in (401, 403, 413, 429):
        principal = getattr(request.state, "principal", None)
        log_refusal(request, status, exc.code,
                    f"{principal.kind}:{principal.name}" if principal else "")
    if status == 401 and not is_api(request):
        return RedirectResponse(
            request.url_for("login_page").include_query_params(next=request.url.path),
            status_code=303,
        )
    response = error_response(request, status, exc.code, i18n.gettext(exc.message, **exc.params))
    if isinstance(exc, errors.RateLimited | errors.Busy):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code, message = _HTTP_CODES.get(exc.status_code, ("error", exc.detail))
    return error_response(request, exc.status_code, code, i18n.gettext(message))


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    code, message = _HTTP_CODES[500]
    response = error_response(request, 500, code, i18n.gettext(message))
    # Starlette answers a 500 from outside every middleware, so the headers are added here.
    nonce = getattr(request.state, "csp_nonce", "") or "none"
    apply_security_headers(response.headers, nonce, request.app.state.settings.secure_cookies,
                           request.url.path)
    return response


HANDLERS = {
    errors.DomainError: domain_error,
    HTTPException: http_error,
    Exception: server_error,
}
