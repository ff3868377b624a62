"""The JSON API: operations declared as data, request bodies checked against the very schemas
that `/api/v1/openapi.json` publishes, and JSON responses.

Each domain's views declare an `Operations` list; the app mounts them all under `/api/v1`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from governance import errors, i18n

Endpoint = Callable[[Request], Awaitable[Response]]

MAX_JSON_BYTES = 1_000_000

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}

_ERROR_TEXT = {
    400: "Malformed request",
    401: "Not logged in, or the session has ended",
    403: "Your role does not allow this",
    404: "Not found",
    409: "Conflicts with the current state",
    413: "Request too large",
    422: "Invalid input",
    429: "Too many attempts; retry later",
}


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
    ) -> Callable[[Endpoint], Endpoint]:
        """Declare an operation. `roles` documents who may call it (empty: anyone)."""

        def register(endpoint: Endpoint) -> Endpoint:
            # every operation checks its query string (and takes `lang`), so 422 is always possible
            implied = {422}
            if roles:
                implied |= {401, 403}
            self.operations.append(
                Operation(
                    operation_id, method, path, endpoint, summary, self.tag, tuple(roles),
                    request, request_type, response, response_type, status,
                    tuple(sorted(set(errors) | implied)), tuple(params),
                )
            )
            return endpoint

        return register

    def routes(self) -> list[Route]:
        return [
            Route(o.path, _checking_query(o), methods=[o.method], name=o.operation_id)
            for o in self.operations
        ]


# Every operation takes `lang` (the language of error messages), as the OpenAPI document says.
LANG = Param("lang", schema={"type": "string", "enum": list(i18n.LANGUAGES)},
             description="language of error messages (English by default)")


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


def _implied_lang(operation: Operation) -> tuple[Param, ...]:
    """`lang`, unless the operation declares its own (motions: the language of a text)."""
    return () if any(p.name == "lang" for p in operation.params) else (LANG,)


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
    """A body already read, as JSON checked against `schema` (for work done off the loop)."""
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


def openapi_document(sections: Sequence[Operations], version: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for section in sections:
        for o in section.operations:
            entry: dict[str, Any] = {
                "operationId": o.operation_id,
                "summary": o.summary,
                "tags": [o.tag],
                "responses": {},
            }
            if o.roles:
                entry["description"] = "Roles: " + ", ".join(o.roles) + "."
                entry["security"] = [{"bearer": []}]
            parameters = [
                {
                    "name": p.name,
                    "in": p.where,
                    "required": p.required or p.where == "path",
                    "schema": p.schema,
                    **({"description": p.description} if p.description else {}),
                }
                for p in (*o.params, *_implied_lang(o))
            ]
            if parameters:
                entry["parameters"] = parameters
            if o.request is not None:
                entry["requestBody"] = {
                    "required": True,
                    "content": {o.request_type: {"schema": o.request}},
                }
            success: dict[str, Any] = {"description": "Success"}
            if o.response is not None:
                success["content"] = {o.response_type: {"schema": o.response}}
            entry["responses"][str(o.status)] = success
            for status in o.errors:
                entry["responses"][str(status)] = {
                    "description": _ERROR_TEXT.get(status, "Error"),
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
            path = re.sub(r"\{(\w+):\w+\}", r"{\1}", o.path)  # drop Starlette's convertors
            paths.setdefault("/api/v1" + path, {})[o.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Asamblea API",
            "version": version,
            "description": "Assemblies, credentials, weighted polls, signed results and the archive.",
        },
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR_SCHEMA},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
