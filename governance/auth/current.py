"""The principal of the current request, for handlers not yet declared with their roles: each
of these costs a trip of its own. New code declares its roles instead (`@api.op(roles=…)` for
operations, `governance.web.transaction.in_transaction` for pages), so that finding the
principal, checking its role and doing the work take one transaction together.
"""

from __future__ import annotations

from typing import cast

from starlette.requests import Request

from governance.auth import roles as declared
from governance.auth.roles import Principal
from governance.web.transaction import in_transaction


async def authenticate(request: Request) -> Principal | None:
    if "principal" in request.state._state:  # noqa: SLF001 - memoized for this request
        return request.state.principal  # type: ignore[no-any-return]
    return await in_transaction(request, lambda _db, who: who, roles=declared.PUBLIC,
                                write=False)


async def require(request: Request, *roles: str) -> Principal:
    """The principal, who must hold one of `roles` (any logged-in principal when none given)."""
    principal = await authenticate(request)
    declared.enforce(principal, roles or declared.ANYONE)  # refuses nobody-logged-in
    return cast(Principal, principal)


async def require_delegate(request: Request) -> int:
    """The id of the delegate the request acts for; Forbidden for anyone else."""
    principal = await authenticate(request)
    declared.enforce(principal, declared.DELEGATE)  # refuses all but a delegate
    return cast(int, cast(Principal, principal).delegate_id)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
