"""The JSON API: operations declared as data, request bodies checked against the very schemas
that `/api/v1/openapi.json` publishes, and JSON responses.

Each domain's `api.py` declares an `Operations` list; the app mounts them all under `/api/v1`.
An operation is a plain function of the domain, and the registry does the plumbing around it
(docs/architecture.md):

    @api.op("POST", "/polls/{poll_id:int}/ballots", "castBallot", summary="…",
            roles=roles.DELEGATE, request=BALLOT, response=RECEIPT, status=201,
            params=[POLL_ID])
    def cast(db: Session, who: Principal, body: dict[str, Any], poll_id: int) -> dict[str, Any]:
        ...

The registry checks the query string, then in one transaction and one hop to the thread pool
finds the principal, enforces `roles`, reads the path parameters and the body (checked against
`request`), calls the function and commits; what it returns is the JSON answer with `status`
(or, when it is a Response, the answer itself). The function names what it needs: `db`, `who`
(the Principal; None on a public operation when nobody is logged in), `body`, `settings`, and
any declared parameter by its name. Operations that change anything (every method but GET) run
in a write transaction unless `write=` says otherwise.

An `async def` endpoint taking the request is still accepted, for the operations that cannot
be one transaction (a login hashes outside of any) and those not yet converted.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from governance import errors, i18n
from governance.auth.roles import Principal
from governance.web.transaction import in_transaction

Endpoint = Callable[[Request], Awaitable[Response]]

MAX_JSON_BYTES = 1_000_000

# What an operation's function may name besides its declared parameters.
PROVIDED = frozenset({"db", "who", "body", "settings"})


@dataclass(frozen=True)
class Param:
    name: str
    where: str = "query"  # or "path"
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"})
    required: bool = False
    description: str = ""


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    endpoint: Endpoint
    summary: str
    tag: str
    roles: tuple[str, ...]
    request: dict[str, Any] | None
    request_type: str
    response: dict[str, Any] | None
    response_type: str
    status: int
    errors: tuple[int, ...]
    params: tuple[Param, ...]
    write: bool = False
    # Written by the process's ballot writer, in a transaction shared with the pieces that
    # arrive at the same moment (governance/polls/writer.py), instead of one of its own.
    batched: bool = False


class Operations:
    """The API operations of one domain."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.operations: list[Operation] = []

    def op(
        self,
        method: str,
        path: str,
        operation_id: str,
        *,
        summary: str,
        roles: Sequence[str] = (),
        request: dict[str, Any] | None = None,
        request_type: str = "application/json",
        response: dict[str, Any] | None = None,
        response_type: str = "application/json",
        status: int = 200,
        errors: Sequence[int] = (),
        params: Sequence[Param] = (),
        write: bool | None = None,
        batched: bool = False,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Declare an operation: who may call it (`roles`, see governance.auth.roles), what it
        takes and gives, and the errors it may answer besides those every operation may."""

        def register(handler: Callable[..., Any]) -> Callable[..., Any]:
            # every operation checks its query string (and takes `lang`), so 422 is always possible
            implied = {422}
            if roles:
                implied |= {401, 403}
            operation = Operation(
                operation_id, method, path, handler, summary, self.tag, tuple(roles),
                request, request_type, response, response_type, status,
                tuple(sorted(set(errors) | implied)), tuple(params),
                method != "GET" if write is None else write, batched,
            )
            if not inspect.iscoroutinefunction(handler):
                operation = _plumbed(operation, handler)
            self.operations.append(operation)
            return handler

        return register

    def routes(self) -> list[Route]:
        return [
            Route(o.path, _checking_query(o), methods=[o.method], name=o.operation_id)
            for o in self.operations
        ]


# Every operation takes `lang` (the language of error messages), as the OpenAPI document says.
LANG = Param("lang", schema={"type": "string", "enum": list(i18n.LANGUAGES)},
             description="language of error messages (English by default)")


def _plumbed(operation: Operation, handler: Callable[..., Any]) -> Operation:
    """The operation with an endpoint that does the plumbing around `handler` in one trip."""
    wanted = set(inspect.signature(handler).parameters)
    params = [p for p in (*operation.params, LANG) if p.name in wanted]
    unknown = wanted - PROVIDED - {p.name for p in params}
    if unknown:  # a typo fails when the app starts, not at the first request
        raise TypeError(f"{operation.operation_id}: {handler.__name__} takes "
                        f"{', '.join(sorted(unknown))}, which the operation does not declare")
    reads_body = operation.request is not None

    async def endpoint(request: Request) -> Response:
        raw = await read_body(request, MAX_JSON_BYTES) if reads_body else b""
        settings = request.app.state.settings

        def work(db: Session, who: Principal | None) -> Any:
            # After the roles are enforced: a stranger learns nothing from a 404 or a 422.
            given: dict[str, Any] = {"db": db, "who": who, "settings": settings}
            for param in params:
                if param.where == "path":
                    given[param.name] = _path_value(request, param)
                elif param.name in request.query_params:
                    given[param.name] = _typed(param.schema, request.query_params[param.name],
                                               param.name)
            if reads_body:
                given["body"] = _parse_body(raw, operation)
            return handler(**{name: given[name] for name in wanted if name in given})

        result = await in_transaction(request, work, roles=operation.roles,
                                      write=operation.write, batched=operation.batched)
        return result if isinstance(result, Response) else ok(result, operation.status)

    return Operation(**{**operation.__dict__, "endpoint": endpoint})


def _path_value(request: Request, param: Param) -> Any:
    if param.schema.get("type") == "integer":
        return path_int(request, param.name)
    return request.path_params[param.name]


def _parse_body(raw: bytes, operation: Operation) -> Any:
    """The body as the operation declared it: JSON checked against its schema, or the bytes."""
    if operation.request_type != "application/json":
        return raw
    return parse_json(raw, operation.request or {})


def _checking_query(operation: Operation) -> Endpoint:
    """The endpoint behind a check of its query string against the declared parameters: an
    unknown, repeated or malformed parameter is a 422 naming it, never ignored."""
    declared = {p.name: p for p in (LANG, *operation.params) if p.where == "query"}

    async def endpoint(request: Request) -> Response:
        query = request.query_params
        for name in query:
            if name not in declared:
                raise errors.InvalidInput("%(field)s is not a parameter of this operation.",
                                          field=name[:40], code="unknown_parameter")
        for name, param in declared.items():
            values = query.getlist(name)
            if len(values) > 1:
                raise errors.InvalidInput("%(field)s is given more than once.", field=name)
            if values:
                _check_param(param, _typed(param.schema, values[0], name))
            elif param.required:
                raise errors.InvalidInput("%(field)s is required.", field=name)
        return await operation.endpoint(request)

    return endpoint


def _check_param(param: Param, value: Any) -> None:
    validator = _validator(json.dumps(param.schema, sort_keys=True))
    error = next(iter(validator.iter_errors(value)), None)
    if error is not None:
        raise errors.InvalidInput("%(field)s: %(problem)s", field=param.name,
                                  problem=error.message[:200], code="invalid")


def _typed(schema: dict[str, Any], raw: str, name: str) -> Any:
    if schema.get("type") != "integer":
        return raw
    digits = raw[1:] if raw.startswith("-") else raw
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 12):
        raise errors.InvalidInput("%(field)s must be a whole number.", field=name)
    return int(raw)


@cache
def _validator(schema_json: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_json))


def check(schema: dict[str, Any], value: Any) -> None:
    """Raise InvalidInput naming the first field that breaks the schema."""
    validator = _validator(json.dumps(schema, sort_keys=True))
    error = next(iter(sorted(validator.iter_errors(value), key=lambda e: list(e.path))), None)
    if error is None:
        return
    where = ".".join(str(p) for p in error.absolute_path) or "body"
    raise errors.InvalidInput(
        "%(field)s: %(problem)s", field=where, problem=error.message, code="invalid"
    )


def _number(text: str) -> int | float:
    """JSON has one kind of number: `5.0` and `5e0` are the integer 5 (JSON Schema agrees), so
    services never see a float where a count or an id is meant."""
    value = float(text)
    if value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # Python's json accepts NaN and Infinity


async def read_json(request: Request, schema: dict[str, Any]) -> Any:
    """The request body as JSON, checked against `schema`."""
    return parse_json(await read_body(request, MAX_JSON_BYTES), schema)


def parse_json(body: bytes, schema: dict[str, Any]) -> Any:
    """`body` as JSON, checked against `schema`: InvalidInput naming what is wrong."""
    try:
        value = json.loads(body, parse_float=_number, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise errors.InvalidInput("The body is not valid JSON.", code="malformed") from None
    check(schema, value)
    refuse_nul(value)
    return value


def refuse_nul(value: Any, where: str = "body") -> None:
    """No text of ours holds a NUL character, and PostgreSQL refuses one: a 422, not a 500."""
    if isinstance(value, str):
        if "\x00" in value:
            raise errors.InvalidInput("%(field)s contains a NUL character.", field=where)
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_nul(key, where)
            refuse_nul(item, f"{where}.{key}" if where != "body" else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            refuse_nul(item, f"{where}[{index}]")


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise errors.PayloadTooLarge("The request is larger than %(limit)s bytes.", limit=limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise errors.PayloadTooLarge("The request is larger than %(limit)s bytes.", limit=limit)
        chunks.append(chunk)
    return b"".join(chunks)


# Row ids are 32-bit integers in the database; a larger number names nothing (and would make
# PostgreSQL refuse the query rather than find no row).
MAX_ID = 2**31 - 1
ID: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
MAX_PAGE = 100_000


def path_int(request: Request, name: str) -> int:
    raw = request.path_params[name]
    try:
        value = raw if isinstance(raw, int) else int(raw)
    except ValueError:
        raise errors.NotFound("Not found.") from None
    if not 1 <= value <= MAX_ID:
        raise errors.NotFound("Not found.")
    return value


def query_int(request: Request, name: str, default: int, maximum: int, minimum: int = 1) -> int:
    """A whole-number query parameter within [minimum, maximum], or InvalidInput."""
    raw = request.query_params.get(name, "")
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 12) or not (
            minimum <= int(raw) <= maximum):
        raise errors.InvalidInput("%(field)s must be a whole number from %(low)s to %(high)s.",
                                  field=name, low=minimum, high=maximum)
    return int(raw)


def ok(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)
