"""Searching the public archive: full text in every language, filters, and a timeline by year.

Every language version of a motion is searched; a motion that matches is shown in the language
asked when it has a translation there, else in its original. SQLite uses the FTS5 table of
migration 0003, PostgreSQL the word vectors and GIN index of migration 0005; both ignore accents
and case, match each word by the prefix of its lightly stemmed form (query.py), and so find the
same motions. Motions whose title holds the words come first, then the newest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import Boolean, Integer, Select, func, literal, select, text, union_all
from sqlalchemy.orm import Session, lazyload, selectinload

from governance.archive import query as terms_of
from governance.motions.content import readable_text
from governance.motions.models import Motion, MotionTag, MotionText

PAGE_SIZE = 20
MAX_PAGE_SIZE = 200
SNIPPET = 200
SNIPPET_SOURCE = 5_000  # a snippet is cut from the start of a long text
SNIPPET_WINDOW = 1_000
# (motion_id, in_title) of each matching text. PostgreSQL: the function migration 0005 creates
# (through the GIN index); SQLite: the FTS5 table, once for the whole texts and once for the
# titles (a column filter), each text mapped to its motion by a covering index.
_PG_MATCHES = ("SELECT motion_id, in_title FROM "
               "search_motion_matches(to_tsquery('asamblea_words', :query))")
_SQLITE_MATCHING_TEXTS = (
    "SELECT motion_texts.motion_id FROM search_motion_texts JOIN motion_texts "
    "ON motion_texts.id = search_motion_texts.rowid WHERE search_motion_texts MATCH "
)
_SQLITE_MATCHES = (f"SELECT motion_id, motion_id IN ({_SQLITE_MATCHING_TEXTS} :in_title) "  # noqa: S608
                   f"AS in_title FROM ({_SQLITE_MATCHING_TEXTS} :query)")


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


def _matches(db: Session, terms: terms_of.Terms) -> Any:
    """(motion_id, in_title) of every text that matches `terms`: a motion once per matching
    text, `in_title` when that text's title holds every term too."""
    if db.get_bind().dialect.name == "postgresql":
        query = terms_of.tsquery_text(terms)
        statement = text(_PG_MATCHES).bindparams(query=query or "")
    else:
        match = terms_of.fts5_match(terms)
        statement = text(_SQLITE_MATCHES).bindparams(query=match, in_title=f"title : ({match})")
    return statement.columns(motion_id=Integer, in_title=Boolean).cte("matches")


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
    """(ids of the page, total, timeline). With words, one statement finds the matches once
    and returns both the page (motions whose title holds the words first, then the newest)
    and the motions per year; without words, the indexes on motions answer three small
    queries."""
    offset = (page - 1) * page_size
    if terms.empty:
        browse = _filtered(select(Motion.id), filters).order_by(
            Motion.year.desc(), Motion.published_at.desc(), Motion.code)
        total = db.scalar(select(func.count()).select_from(browse.subquery())) or 0
        ids = list(db.scalars(browse.offset(offset).limit(page_size)))
        return ids, total, _timeline_without_words(db, filters)
    if db.get_bind().dialect.name == "postgresql" and terms_of.tsquery_text(terms) is None:
        return [], 0, []  # nothing but punctuation: no word to look for
    matches = _matches(db, terms)
    titled = Motion.id.in_(select(matches.c.motion_id).where(matches.c.in_title))
    hits = _filtered(select(Motion.id, Motion.year, Motion.published_at, Motion.code,
                            titled.label("titled"))
                     .where(Motion.id.in_(select(matches.c.motion_id))),
                     filters, with_year=False).cte("hits")
    shown = select(hits).order_by(*_best_first(hits)).offset(offset).limit(page_size)
    if filters.year is not None:
        shown = shown.where(hits.c.year == filters.year)
    page_rows = shown.cte("shown")
    rows = db.execute(union_all(
        # The page's 20 rows numbered, as a UNION keeps no order.
        select(literal(0).label("part"), page_rows.c.id.label("value"),
               func.row_number().over(order_by=_best_first(page_rows)).label("number")),
        select(literal(1), hits.c.year, func.count()).group_by(hits.c.year),
    )).all()
    ids = [value for _part, value, _number in sorted((r for r in rows if r[0] == 0),
                                                     key=lambda row: row[2])]
    years = sorted((int(value), int(count)) for part, value, count in rows if part == 1)
    total = sum(count for year, count in years if filters.year in (None, year))
    return ids, total, years


def _best_first(hits: Any) -> tuple[Any, ...]:
    """Motions whose title holds the words, then the newest (what a reader of an archive
    looks for; and a word in every motion ranks none above another)."""
    return (hits.c.titled.desc(), hits.c.year.desc(),
            hits.c.published_at.desc().nulls_last(), hits.c.code)


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
    # Only the texts: a hit shows no tags, objectives, history or attachments.
    shown = select(Motion).where(Motion.id.in_(ids)).options(lazyload("*"),
                                                              selectinload(Motion.texts))
    by_id = {m.id: m for m in db.scalars(shown)} if ids else {}
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


def _first_found(body: str, needles: list[str]) -> int | None:
    """Where in `body` the first needle begins, folding one window at a time (most texts show
    a word early, and folding is the costly part)."""
    overlap = max((len(n) for n in needles), default=1)
    for begin in range(0, len(body), SNIPPET_WINDOW):
        folded, positions = _folded_with_positions(body[begin:begin + SNIPPET_WINDOW + overlap])
        found = [at for at in (folded.find(n) for n in needles) if at >= 0]
        if found:
            return begin + positions[min(found)]
    return None


def snippet(source: str, terms: terms_of.Terms, width: int = SNIPPET) -> str:
    """About `width` characters of `source` around the first term found, else its start."""
    body = " ".join(source[:SNIPPET_SOURCE].split())
    needles = terms.needles()
    first = _first_found(body, needles) if needles and len(body) > width else None
    if first is None:
        start = 0
    else:
        start = max(0, first - width // 3)
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
