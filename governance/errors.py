"""Domain exceptions. They know nothing of HTTP; `governance.web.errors` maps them to statuses.

Messages are English message ids with named parameters, translated when they are shown, so a
delegate reads them in Spanish and an API client gets English unless it asks otherwise.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a user can cause. `code` is stable; `message` is a message id."""

    code = "invalid"

    def __init__(self, message: str, code: str | None = None, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params
        if code is not None:
            self.code = code


class InvalidInput(DomainError):
    """The request was understood but its content breaks a rule."""

    code = "invalid"

    def __init__(
        self,
        message: str,
        code: str | None = None,
        field: str | None = None,
        **params: Any,
    ) -> None:
        if field is not None:
            params = {"field": field, **params}
        super().__init__(message, code, **params)
        self.field = field


class NotFound(DomainError):
    code = "not_found"


class NotAuthenticated(DomainError):
    code = "not_authenticated"


class Forbidden(DomainError):
    code = "forbidden"


class Conflict(DomainError):
    """The thing exists already, or its state does not allow the change."""

    code = "conflict"


class RateLimited(DomainError):
    code = "rate_limited"

    def __init__(self, message: str, retry_after: int, **params: Any) -> None:
        super().__init__(message, None, **params)
        self.retry_after = retry_after


class PayloadTooLarge(DomainError):
    code = "too_large"


class Busy(DomainError):
    """Too much is arriving at once; nothing was done, and the same request may come again."""

    code = "busy"

    def __init__(self, message: str, retry_after: int, **params: Any) -> None:
        super().__init__(message, None, **params)
        self.retry_after = retry_after
