"""The OpenAPI 3.1 document of `/api/v1`, built from the operations the domains declare
(`governance.web.api`): the contract that docs/ and API clients rely on."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from governance.web.api import LANG, Operation, Operations, Param

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

ERROR_REF = {"$ref": "#/components/schemas/Error"}

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


def _implied_lang(operation: Operation) -> tuple[Param, ...]:
    """`lang`, unless the operation declares its own (motions: the language of a text)."""
    return () if any(p.name == "lang" for p in operation.params) else (LANG,)


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
                    "content": {"application/json": {"schema": ERROR_REF}},
                }
            path = re.sub(r"\{(\w+):\w+\}", r"{\1}", o.path)  # drop Starlette's convertors
            paths.setdefault("/api/v1" + path, {})[o.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Asamblea API",
            "version": version,
            "description": "Assemblies, credentials, weighted polls, signed results and the "
                           "archive.",
        },
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR_SCHEMA},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
