"""For auditors: the whole audit trail (page, JSON pages, JSON-lines export with the chain
checked) and the log of every login attempt (page and API)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from governance import errors
from governance.audit import services
from governance.audit.chain import to_line
from governance.auth import services as auth
from governance.auth.current import require
from governance.web.api import MAX_PAGE, Operations, Param, ok, query_int
from governance.web.templating import render
from governance.web.transaction import in_db

api = Operations(tag="audit")

AUDITORS = ("auditor",)  # and the secretariat (admin)
PAGE_SIZE = 100
MAX_PAGE_SIZE = 500

EVENT: dict[str, Any] = {
    "type": "object",
    "required": ["seq", "at", "actor", "action", "subject", "details", "prev_hash", "hash"],
    "properties": {
        "seq": {"type": "integer", "minimum": 0}, "at": {"type": "string"},
        "actor": {"type": "string"}, "action": {"type": "string"},
        "subject": {"type": "string"}, "details": {"type": "object"},
        "prev_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    },
}
EVENTS: dict[str, Any] = {
    "type": "object", "required": ["events", "head"],
    "properties": {
        "events": {"type": "array", "items": EVENT},
        "head": {"type": "object", "required": ["seq", "hash"],
                 "properties": {"seq": {"type": "integer"}, "hash": {"type": "string"}}},
    },
}
ATTEMPT: dict[str, Any] = {
    "type": "object", "required": ["id", "at", "kind", "account", "client", "success"],
    "properties": {
        "id": {"type": "integer"},
        "at": {"type": "string", "description": "UTC, RFC 3339"},
        "kind": {"type": "string", "enum": list(auth.ATTEMPT_KINDS),
                 "description": "`:limited`: refused by throttling before any check"},
        "account": {"type": "string", "description": "user:NAME, credential:IDENTIFIER, or "
                    "credential?:TYPED for an identifier that does not exist"},
        "client": {"type": "string", "description": "the client's address"},
        "success": {"type": "boolean"},
    },
}
ATTEMPTS: dict[str, Any] = {
    "type": "object", "required": ["attempts", "total", "page", "page_size"],
    "properties": {"attempts": {"type": "array", "items": ATTEMPT},
                   "total": {"type": "integer"}, "page": {"type": "integer"},
                   "page_size": {"type": "integer"}},
}
ATTEMPT_PARAMS = (
    Param("kind", schema={"type": "string", "enum": list(auth.ATTEMPT_KINDS)}),
    Param("success", schema={"type": "string", "enum": ["true", "false"]}),
    Param("page", schema={"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
    Param("page_size", schema={"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}),
)


def _attempt_filters(request: Request) -> tuple[str | None, bool | None]:
    kind = request.query_params.get("kind") or None
    if kind is not None and kind not in auth.ATTEMPT_KINDS:
        raise errors.InvalidInput("%(field)s must be one of %(allowed)s.", field="kind",
                                  allowed=", ".join(auth.ATTEMPT_KINDS))
    raw = request.query_params.get("success") or ""
    if raw not in ("", "true", "false"):
        raise errors.InvalidInput("%(field)s must be one of %(allowed)s.", field="success",
                                  allowed="true, false")
    return kind, {"true": True, "false": False}.get(raw)


def _export_lines(request: Request) -> AsyncIterator[bytes]:
    """The trail as JSON lines, read in batches so a long trail never sits in memory."""

    async def lines() -> AsyncIterator[bytes]:
        after = -1
        while True:
            batch = await in_db(request, lambda db, after=after: [
                services.export_event(e) for e in services.events_after(db, after)])
            for event in batch:
                yield to_line(event)
            if len(batch) < services.EXPORT_BATCH:
                return
            after = batch[-1]["seq"]

    return lines()


def _jsonl(request: Request) -> Response:
    return StreamingResponse(_export_lines(request), media_type="application/x-ndjson",
                             headers={"Content-Disposition":
                                      'attachment; filename="asamblea-audit-trail.jsonl"'})


# --- pages ----------------------------------------------------------------------------------


async def trail_page(request: Request) -> Response:
    await require(request, *AUDITORS)
    before = query_int(request, "before", -1, 2**31 - 1, minimum=0)

    def load(db: Session) -> dict[str, Any]:
        seq, digest = services.head(db)
        check = services.verify_stored(db)
        return {"events": services.events_after(db, before, PAGE_SIZE, newest_first=True),
                "head_seq": seq, "head_hash": digest, "check": check}

    return render(request, "audit/trail.html", await in_db(request, load))


async def trail_export(request: Request) -> Response:
    await require(request, *AUDITORS)
    return _jsonl(request)


async def logins_page(request: Request) -> Response:
    await require(request, *AUDITORS)
    kind, success = _attempt_filters(request)
    page_number = query_int(request, "page", 1, MAX_PAGE)
    page = await in_db(request, lambda db: auth.list_attempts(db, page_number, PAGE_SIZE, kind,
                                                              success))
    return render(request, "audit/logins.html", {
        "page": page, "kind": kind or "", "success": request.query_params.get("success") or "",
        "kinds": auth.ATTEMPT_KINDS})


# --- API ------------------------------------------------------------------------------------


@api.op("GET", "/audit/events", "listAuditEvents",
        summary="The audit trail, oldest first, a page at a time (after_seq: the last seq read)",
        roles=AUDITORS, response=EVENTS, errors=[422],
        params=[Param("after_seq", schema={"type": "integer", "minimum": -1,
                                           "maximum": 2**31 - 1}),
                Param("limit", schema={"type": "integer", "minimum": 1,
                                       "maximum": services.EXPORT_BATCH})])
async def list_events(request: Request) -> Response:
    await require(request, *AUDITORS)
    raw_after = request.query_params.get("after_seq", "")
    after = -1 if raw_after in ("", "-1") else query_int(request, "after_seq", -1, 2**31 - 1,
                                                         minimum=0)
    limit = query_int(request, "limit", services.EXPORT_BATCH, services.EXPORT_BATCH)

    def load(db: Session) -> dict[str, Any]:
        seq, digest = services.head(db)
        return {"events": [services.export_event(e)
                           for e in services.events_after(db, after, limit)],
                "head": {"seq": seq, "hash": digest}}

    return ok(await in_db(request, load))


@api.op("GET", "/audit/trail.jsonl", "exportAuditTrail",
        summary="The whole audit trail as JSON lines (one canonical JSON event per line); "
                "check it offline with `asamblea audit verify FILE`",
        roles=AUDITORS, response={"type": "string"}, response_type="application/x-ndjson")
async def export_trail(request: Request) -> Response:
    await require(request, *AUDITORS)
    return _jsonl(request)


@api.op("GET", "/auth-attempts", "listAuthAttempts",
        summary="Every login attempt (staff and credential, success or not), newest first, "
                "times in UTC", roles=AUDITORS, response=ATTEMPTS, errors=[422],
        params=ATTEMPT_PARAMS)
async def list_attempts(request: Request) -> Response:
    await require(request, *AUDITORS)
    kind, success = _attempt_filters(request)
    page_number = query_int(request, "page", 1, MAX_PAGE)
    page_size = query_int(request, "page_size", PAGE_SIZE, MAX_PAGE_SIZE)

    def load(db: Session) -> dict[str, Any]:
        page = auth.list_attempts(db, page_number, page_size, kind, success)
        return {"attempts": [auth.attempt_dict(a) for a in page.attempts], "total": page.total,
                "page": page.page, "page_size": page.page_size}

    return ok(await in_db(request, load))


routes = [
    Route("/audit/trail", trail_page, methods=["GET"], name="audit_trail"),
    Route("/audit/trail.jsonl", trail_export, methods=["GET"], name="audit_trail_export"),
    Route("/audit/logins", logins_page, methods=["GET"], name="audit_logins"),
]
