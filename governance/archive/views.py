"""The public archive: search with filters and a timeline, permalinks, attachments, exports
(JSON, CSV), the Atom feed, and the `searchArchive` operation. No login needed; drafts never
appear."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from governance import errors, i18n
from governance.archive import exchange, feeds
from governance.archive import services as archive
from governance.archive.search import ArchiveFilter, facets, highlight, search_archive
from governance.auth.current import authenticate
from governance.db import utcnow
from governance.motions import attachments
from governance.motions.api import LANG, choice_param, int_param, is_staff, text_language
from governance.motions.pages import WORDS
from governance.motions.workflow import KINDS, STATUSES
from governance.results.services import verified_results
from governance.web.api import Operations, Param, ok, path_int
from governance.web.templating import render
from governance.web.transaction import in_db

api = Operations(tag="archive")

PUBLIC_STATUSES = tuple(s for s in STATUSES if s != "draft")
FILTER_PARAMS = (
    Param("q", description="words in any language; accents and case are ignored; "
                           '"quoted phrases" match as written'),
    Param("year", schema={"type": "integer", "minimum": 1, "maximum": 9999}),
    Param("kind", schema={"type": "string", "enum": list(KINDS)}),
    Param("status", schema={"type": "string", "enum": list(PUBLIC_STATUSES)}),
    Param("tag"),
    Param("assembly", description="assembly name, or assembly id"),
    Param("page", schema={"type": "integer", "minimum": 1, "maximum": 100_000}),
    Param("page_size", schema={"type": "integer", "minimum": 1, "maximum": 200}),
    LANG,
)
SEARCH_RESULT: dict[str, Any] = {
    "type": "object",
    "required": ["items", "total", "page"],
    "properties": {
        "items": {"type": "array", "items": {
            "type": "object", "required": ["code", "title", "year", "status"],
            "properties": {
                "code": {"type": "string"}, "title": {"type": "string"},
                "year": {"type": "integer"}, "status": {"type": "string"},
                "kind": {"type": "string"},
                "language": {"type": "string", "description": "language of title and snippet"},
                "original_language": {"type": "string"},
                "snippet": {"type": "string"},
                "dated": {"type": ["string", "null"],
                          "description": "date of the decision: 2010, 2010-11 or 2011-09-22"},
                "published_at": {"type": ["string", "null"]},
                "historical": {"type": "boolean"},
                "url": {"type": "string"}}}},
        "total": {"type": "integer"}, "page": {"type": "integer"},
        "page_size": {"type": "integer"},
        "timeline": {"type": "array", "items": {
            "type": "object", "properties": {"year": {"type": "integer"},
                                             "motions": {"type": "integer"}}}},
    },
}


def _filters(request: Request) -> ArchiveFilter:
    q = request.query_params
    return ArchiveFilter(
        q=(q.get("q") or "").strip()[:200],
        year=int_param(request, "year"),
        kind=choice_param(request, "kind", KINDS),
        status=choice_param(request, "status", PUBLIC_STATUSES),
        tag=(q.get("tag") or "").strip()[:60] or None,
        assembly=(q.get("assembly") or "").strip()[:200] or None,
    )


def timeline_chart(years: list[tuple[int, int]]) -> dict[str, Any]:
    """Bars for every year from the first to the last (empty years included), for inline SVG."""
    if not years:
        return {"bars": [], "width": 0, "height": 0}
    counts = dict(years)
    first, last = years[0][0], years[-1][0]
    most = max(counts.values())
    bar, gap, top, chart = 18, 4, 16, 100
    bars = []
    for index, year in enumerate(range(first, last + 1)):
        count = counts.get(year, 0)
        height = round(chart * count / most) if most else 0
        bars.append({"year": year, "count": count, "x": index * (bar + gap),
                     "y": top + chart - height, "height": height, "width": bar})
    return {"bars": bars, "width": len(bars) * (bar + gap), "height": top + chart + 34}


# --- pages ----------------------------------------------------------------------------------


async def archive_index(request: Request) -> Response:
    filters = _filters(request)
    page_number = int_param(request, "page", 1) or 1
    language = text_language(request)

    def load(db: Any) -> tuple[Any, Any]:
        return search_archive(db, filters, language, page_number), facets(db)

    page, choices = await in_db(request, load)
    return render(request, "archive/index.html", {
        **WORDS, "page": page, "filters": filters, "facets": choices,
        "chart": timeline_chart(page.timeline), "years": page.timeline, "highlight": highlight,
        "text_language": language})


async def archive_motion(request: Request) -> Response:
    principal = await authenticate(request)
    code = request.path_params["code"]

    def load(db: Any) -> tuple[Any, Any]:
        found = archive.public_motion(db, code, is_staff(principal))
        polls = [found.motion.result_poll_id] + [o.poll_id for o in found.motion.objectives]
        return found, verified_results(db, [p for p in polls if p])

    found, verified = await in_db(request, load)
    language = text_language(request)
    return render(request, "archive/motion.html", {
        **WORDS, "found": found, "motion": found.motion, "shown": found.motion.text(language),
        "text_language": language, "verified": verified})


async def archive_attachment(request: Request) -> Response:
    principal = await authenticate(request)
    code = request.path_params["code"]
    attachment_id = path_int(request, "attachment_id")
    settings = request.app.state.settings

    def load(db: Any) -> Any:
        found = archive.public_motion(db, code, is_staff(principal))
        return attachments.get_attachment(db, found.motion.id, attachment_id)

    attachment = await in_db(request, load)
    path = attachments.stored_path(settings, attachment.sha256)
    if not path.is_file():
        raise errors.NotFound("The file of this attachment is missing.")
    # A download, never shown inline: the browser's PDF viewer is not the archive's page.
    return FileResponse(path, media_type="application/pdf", filename=attachment.filename,
                        content_disposition_type="attachment", headers={
                            # an uploaded file never runs as part of our pages
                            "Content-Security-Policy": "sandbox; default-src 'none'; "
                                                       "base-uri 'none'; frame-ancestors 'none'"})


def _permalink(request: Request) -> Any:
    return lambda code: str(request.url_for("archive_motion", code=code))


async def export_json(request: Request) -> Response:
    document = await in_db(request, exchange.export_archive)
    return Response(json.dumps(document, ensure_ascii=False, indent=1),
                    media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="archive.json"'})


async def export_csv(request: Request) -> Response:
    language = text_language(request)
    motions = await in_db(request, feeds.all_public)
    table = feeds.csv_table(motions, language, _permalink(request))
    return Response(table, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="archive.csv"'})


async def atom_feed(request: Request) -> Response:
    language = text_language(request)
    motions = await in_db(request, feeds.recent)
    body = feeds.atom_feed(
        motions, title=i18n.gettext("Archive of motions and positions"),
        feed_url=str(request.url_for("archive_feed")),
        archive_url=str(request.url_for("archive_index")), permalink=_permalink(request),
        language=language, now=utcnow())
    return Response(body, media_type="application/atom+xml; charset=utf-8")


# --- API ------------------------------------------------------------------------------------


@api.op("GET", "/archive/search", "searchArchive",
        summary="Search the public archive in every language; results in the language asked",
        params=FILTER_PARAMS, response=SEARCH_RESULT, errors=[422])
async def api_search(request: Request) -> Response:
    filters = _filters(request)
    page_number = int_param(request, "page", 1) or 1
    page_size = int_param(request, "page_size", 20) or 20
    language = text_language(request)
    permalink = _permalink(request)

    def load(db: Any) -> dict[str, Any]:
        page = search_archive(db, filters, language, page_number, page_size)
        return {
            "items": [{
                "code": h.code, "title": h.title, "year": h.year, "status": h.status,
                "kind": h.motion.kind, "language": h.language,
                "original_language": h.motion.original_language, "snippet": h.snippet,
                "dated": h.motion.dated,
                "published_at": h.motion.published_at.isoformat()
                if h.motion.published_at else None,
                "historical": h.motion.historical, "url": permalink(h.code)}
                for h in page.hits],
            "total": page.total, "page": page.page, "page_size": page.page_size,
            "timeline": [{"year": y, "motions": n} for y, n in page.timeline],
        }

    return ok(await in_db(request, load))


routes = [
    Route("/archive", archive_index, methods=["GET"], name="archive_index"),
    Route("/archive/export.json", export_json, methods=["GET"], name="archive_export_json"),
    Route("/archive/export.csv", export_csv, methods=["GET"], name="archive_export_csv"),
    Route("/archive/feed.atom", atom_feed, methods=["GET"], name="archive_feed"),
    Route("/archive/{code}", archive_motion, methods=["GET"], name="archive_motion"),
    Route("/archive/{code}/attachments/{attachment_id:int}", archive_attachment,
          methods=["GET"], name="archive_attachment"),
]

__all__ = ["api", "routes"]
