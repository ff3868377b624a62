"""Searching the public archive: full text in every language, filters, and a timeline by year.

Every language version of a motion is searched; a motion that matches is shown in the language
asked when it has a translation there, else in its original. SQLite uses the FTS5 table and
PostgreSQL the GIN indexes that migration 0003 creates; both rank, and both ignore accents and
case (PostgreSQL also stems, with each language's dictionary).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import Float, Integer, Select, func, select, text
from sqlalchemy.orm import Session

from governance.archive import query as terms_of
from governance.motions.content import readable_text
from governance.motions.models import Motion, MotionTag, MotionText

PAGE_SIZE = 20
MAX_PAGE_SIZE = 200
SNIPPET = 200
SNIPPET_SOURCE = 5_000  # a snippet is cut from the start of a long text
PG_CONFIGS = {"es": "asamblea_es", "en": "asamblea_en", "pt": "asamblea_pt", "fr": "asamblea_fr"}
# One language's matches, read from the stored, weighted vector that migration 0003 creates
# (motion_texts.search_vector) through that language's GIN index.
_PG_BRANCH = (
    "SELECT motion_id, -ts_rank(search_vector, websearch_to_tsquery('CONFIG'::regconfig, :q)) "
    "AS rank FROM motion_texts WHERE language = 'LANGUAGE' AND "
    "search_vector @@ websearch_to_tsquery('CONFIG'::regconfig, :q)"
)


@dataclass(frozen=True)
class ArchiveFilter:
    q: str = ""
    year: int | None = None
    kind: str | None = None
    status: str | None = None
    tag: str | None = None
    assembly: str | None = None


@dataclass(frozen=True)
class ArchiveHit:
    motion: Motion
    text: MotionText  # the version shown: the language asked, else the original
    snippet: str

    @property
    def code(self) -> str:
        return self.motion.code

    @property
    def title(self) -> str:
        return self.text.title

    @property
    def language(self) -> str:
        return self.text.language

    @property
    def year(self) -> int:
        return self.motion.year

    @property
    def status(self) -> str:
        return self.motion.status


@dataclass(frozen=True)
class ArchivePage:
    hits: list[ArchiveHit]
    total: int
    page: int
    page_size: int
    terms: terms_of.Terms
    timeline: list[tuple[int, int]]  # (year, motions) of the search, whatever year is chosen

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _matches(db: Session, terms: terms_of.Terms, q: str) -> Any:
    """(motion_id, rank) of every motion with a matching text, by its best-ranked text; lower
    is better on both backends."""
    if db.get_bind().dialect.name == "postgresql":
        # Literal configurations (our constants), so each branch can use its language's index;
        # what the person typed only ever travels as the bound parameter :q.
        branches = [_PG_BRANCH.replace("CONFIG", config).replace("LANGUAGE", language)
                    for language, config in PG_CONFIGS.items()]
        statement = text(
            "SELECT motion_id, min(rank) AS rank FROM (" +  # noqa: S608 - our constants
            " UNION ALL ".join(branches) +
            ") AS matching GROUP BY motion_id"
        ).bindparams(q=terms_of.websearch_text(q))
    else:
        # `rank` is bm25 with title words weighing more (configured in migration 0003); it is
        # read as a column, because SQLite cannot call bm25() inside an aggregate.
        statement = text(
            "SELECT motion_texts.motion_id AS motion_id, "
            "min(search_motion_texts.rank) AS rank "
            "FROM search_motion_texts JOIN motion_texts "
            "ON motion_texts.id = search_motion_texts.rowid "
            "WHERE search_motion_texts MATCH :match GROUP BY motion_texts.motion_id"
        ).bindparams(match=terms_of.fts5_match(terms))
    return statement.columns(motion_id=Integer, rank=Float).subquery("matches")


def _filtered(query: Select[Any], filters: ArchiveFilter, with_year: bool = True) -> Select[Any]:
    query = query.where(Motion.status != "draft")
    if with_year and filters.year is not None:
        query = query.where(Motion.year == filters.year)
    if filters.kind:
        query = query.where(Motion.kind == filters.kind)
    if filters.status:
        query = query.where(Motion.status == filters.status)
    if filters.tag:
        query = query.where(Motion.id.in_(select(MotionTag.motion_id)
                                          .where(MotionTag.tag == filters.tag)))
    if filters.assembly:
        if filters.assembly.isdigit():
            query = query.where(Motion.assembly_id == int(filters.assembly))
        else:
            query = query.where(Motion.assembly_name == filters.assembly)
    return query


def _page_of_ids(db: Session, filters: ArchiveFilter, terms: terms_of.Terms, page: int,
                 page_size: int) -> tuple[list[int], int, list[tuple[int, int]]]:
    """(ids of the page, total, timeline). With words, the full-text search runs once: every
    match comes back as (id, year, rank), and the page, the total and the timeline are cut from
    that list here; without words, the indexes on motions answer three small queries."""
    offset = (page - 1) * page_size
    if terms.empty:
        browse = _filtered(select(Motion.id), filters).order_by(
            Motion.year.desc(), Motion.published_at.desc(), Motion.code)
        total = db.scalar(select(func.count()).select_from(browse.subquery())) or 0
        ids = list(db.scalars(browse.offset(offset).limit(page_size)))
        return ids, total, _timeline_without_words(db, filters)
    best = _matches(db, terms, filters.q)
    rows = db.execute(_filtered(select(Motion.id, Motion.year, best.c.rank)
                                .join(best, best.c.motion_id == Motion.id),
                                filters, with_year=False)).all()
    counts = Counter(year for _id, year, _rank in rows)
    # Best rank first, then the newest; plain tuples sort fastest.
    ranked = sorted((rank, -year, motion_id) for motion_id, year, rank in rows
                    if filters.year is None or year == filters.year)
    ids = [motion_id for _rank, _year, motion_id in ranked[offset:offset + page_size]]
    return ids, len(ranked), sorted(counts.items())


def _timeline_without_words(db: Session, filters: ArchiveFilter) -> list[tuple[int, int]]:
    query = _filtered(select(Motion.year, func.count(Motion.id)), filters, with_year=False)
    return [(int(year), int(count))
            for year, count in db.execute(query.group_by(Motion.year).order_by(Motion.year))]


def search_archive(db: Session, filters: ArchiveFilter, language: str, page: int = 1,
                   page_size: int = PAGE_SIZE) -> ArchivePage:
    """The published motions that match `filters`, best first, shown in `language`, with the
    timeline (motions per year) of the same search whatever year is chosen."""
    page, page_size = max(1, page), max(1, min(page_size, MAX_PAGE_SIZE))
    terms = terms_of.parse(filters.q)
    ids, total, years = _page_of_ids(db, filters, terms, page, page_size)
    by_id = {m.id: m for m in db.scalars(select(Motion).where(Motion.id.in_(ids)))} if ids else {}
    hits = []
    for motion_id in ids:
        motion = by_id[motion_id]
        shown = motion.text(language)
        # The words a reader wants around the match: the text and the objectives (the
        # search text also holds tags and names, which the result shows elsewhere).
        hits.append(ArchiveHit(motion, shown, snippet(readable_text(shown), terms)))
    return ArchivePage(hits, total, page, page_size, terms, years)


def timeline(db: Session, filters: ArchiveFilter) -> list[tuple[int, int]]:
    """(year, motions) for a search, whatever year is chosen: the bar chart's data."""
    terms = terms_of.parse(filters.q)
    if terms.empty:
        return _timeline_without_words(db, filters)
    return _page_of_ids(db, filters, terms, 1, 1)[2]


def facets(db: Session) -> dict[str, list[Any]]:
    """The values the archive can be filtered by, as they occur in it."""
    public = Motion.status != "draft"
    tags = db.execute(select(MotionTag.tag, func.count()).join(Motion, Motion.id ==
                                                               MotionTag.motion_id)
                      .where(public).group_by(MotionTag.tag)
                      .order_by(func.count().desc(), MotionTag.tag).limit(100)).all()
    return {
        "kinds": list(db.scalars(select(Motion.kind).where(public).distinct()
                                 .order_by(Motion.kind))),
        "statuses": list(db.scalars(select(Motion.status).where(public).distinct()
                                    .order_by(Motion.status))),
        "tags": sorted((t for t, _n in tags), key=str.casefold),
        "assemblies": list(db.scalars(select(Motion.assembly_name)
                                      .where(public, Motion.assembly_name.is_not(None))
                                      .distinct().order_by(Motion.assembly_name))),
        "years": list(db.scalars(select(Motion.year).where(public).distinct()
                                 .order_by(Motion.year.desc()))),
    }


# --- snippets -------------------------------------------------------------------------------


def _folded_with_positions(source: str) -> tuple[str, list[int] | range]:
    """`source` folded, and for each folded character the index of the one it came from."""
    folded_at_once = terms_of.fold(source)
    if len(folded_at_once) == len(source):  # the usual case: one letter for one letter
        return folded_at_once, range(len(source))
    folded, positions = [], []
    for index, char in enumerate(source):
        for piece in terms_of.fold(char):
            folded.append(piece)
            positions.append(index)
    return "".join(folded), positions


def snippet(source: str, terms: terms_of.Terms, width: int = SNIPPET) -> str:
    """About `width` characters of `source` around the first term found, else its start."""
    body = " ".join(source[:SNIPPET_SOURCE].split())
    folded, positions = _folded_with_positions(body)
    found = [folded.find(n) for n in terms.needles()]
    found = [f for f in found if f >= 0]
    if not found or len(body) <= width:
        start = 0
    else:
        start = max(0, positions[min(found)] - width // 3)
        space = body.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 20 else start
    end = min(len(body), start + width)
    if end < len(body):
        space = body.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    return ("…" if start else "") + body[start:end] + ("…" if end < len(body) else "")


def highlight(text_: str, terms: terms_of.Terms) -> Markup:
    """`text_` escaped, with the words of the search in <mark>."""
    needles = [n for n in terms.needles() if len(n) >= 2]
    if not needles:
        return escape(text_)
    folded, positions = _folded_with_positions(text_)
    marks: list[tuple[int, int]] = []
    for needle in needles:
        at = folded.find(needle)
        while at >= 0:
            end = at + len(needle)
            while end < len(folded) and folded[end].isalnum():
                end += 1  # mark the whole word the prefix belongs to
            marks.append((positions[at], positions[end - 1] + 1))
            at = folded.find(needle, end)
    out, cursor = Markup(), 0
    for start, end in sorted(marks):
        if start < cursor:
            continue
        out += escape(text_[cursor:start]) + Markup("<mark>") + escape(text_[start:end]) + \
            Markup("</mark>")
        cursor = end
    return out + escape(text_[cursor:])
