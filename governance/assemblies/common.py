"""What the assemblies pages and API operations share: links and headers."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response


def login_url(request: Request, credential_id: str) -> str:
    """The login page with the public identifier filled in: what the sheet's QR code holds."""
    return str(request.url_for("login_page").include_query_params(cred=credential_id))


def no_store(response: Response) -> Response:
    """Credentials are shown once: no cache, no back-button copy."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response
