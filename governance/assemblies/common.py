"""What the assemblies pages and API operations share: roles, the actor, links, headers."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from governance import errors
from governance.auth.current import require
from governance.auth.services import Principal

READERS = ("board", "committee", "auditor")
BOARD = ("board",)
STEWARDS = ("board", "committee")  # may move an assembly from one state to the next
COMMITTEE = ("committee",)


def actor(principal: Principal) -> str:
    if principal.kind == "delegate":
        return f"delegate:{principal.delegate_id}"
    return f"staff:{principal.name}"


async def require_delegate(request: Request) -> int:
    """The id of the delegate the request acts for; Forbidden for anyone else."""
    principal = await require(request)
    if principal.kind != "delegate" or principal.delegate_id is None:
        raise errors.Forbidden("This page is for delegates. Log in with your credential.",
                               code="not_a_delegate")
    return principal.delegate_id


def login_url(request: Request, credential_id: str) -> str:
    """The login page with the public identifier filled in: what the sheet's QR code holds."""
    return str(request.url_for("login_page").include_query_params(cred=credential_id))


def no_store(response: Response) -> Response:
    """Credentials are shown once: no cache, no back-button copy."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response
