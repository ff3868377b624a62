"""The archive for other programs: an Atom feed (RFC 4287) of newly published motions and a CSV
table safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET  # noqa: S405 - we only build XML here, never parse input
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.motions.markdown import plain_text, render
from governance.motions.models import Motion

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 100


def recent(db: Session, limit: int = FEED_SIZE) -> list[Motion]:
    """The most recently published motions, newest first."""
    return list(db.scalars(select(Motion).where(Motion.status != "draft",
                                                Motion.published_at.is_not(None))
                           .order_by(Motion.published_at.desc(), Motion.id.desc())
                           .limit(limit)))


def _rfc3339(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _updated(motion: Motion) -> datetime:
    times = [h.at for h in motion.history] + [motion.published_at or motion.created_at]
    return max(times)


def atom_feed(motions: Iterable[Motion], *, title: str, feed_url: str, archive_url: str,
              permalink: Callable[[str], str], language: str, now: datetime) -> bytes:
    """An Atom document with one entry per motion, each in `language` when translated."""
    ET.register_namespace("", ATOM)

    def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    motions = list(motions)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang":
                                          language})
    add(feed, "title", title)
    add(feed, "id", feed_url)
    add(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    add(feed, "link", rel="alternate", type="text/html", href=archive_url)
    add(feed, "updated", _rfc3339(max((_updated(m) for m in motions), default=now)))
    author = add(feed, "author")
    add(author, "name", "Asamblea")
    for motion in motions:
        shown = motion.text(language)
        url = permalink(motion.code)
        entry = add(feed, "entry")
        add(entry, "title", f"{motion.code} · {shown.title}")
        add(entry, "id", url)
        add(entry, "link", rel="alternate", type="text/html", href=url)
        add(entry, "published", _rfc3339(motion.published_at or motion.created_at))
        add(entry, "updated", _rfc3339(_updated(motion)))
        add(entry, "category", term=motion.kind)
        add(entry, "category", term=motion.status)
        for tag in motion.tag_names:
            add(entry, "category", term=tag)
        add(entry, "summary", plain_text(shown.body)[:300], type="text")
        # Escaped by ElementTree; the HTML itself was sanitized by nh3.
        add(entry, "content", str(render(shown.body)), type="html")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


# --- CSV ------------------------------------------------------------------------------------

CSV_COLUMNS = ("code", "year", "dated", "kind", "status", "language", "title", "historical",
               "assembly", "submitter", "tags", "published_at", "url")


def safe_cell(value: object) -> str:
    """A cell a spreadsheet will not run: text that starts like a formula gets a quote."""
    text = "" if value is None else str(value)
    if text and text[0] in ("=", "+", "-", "@", "\t", "\r", "|", "%"):
        return "'" + text
    return text


def csv_table(motions: Iterable[Motion], language: str,
              permalink: Callable[[str], str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for motion in motions:
        shown = motion.text(language)
        writer.writerow([safe_cell(v) for v in (
            motion.code, motion.year, motion.dated, motion.kind, motion.status, shown.language,
            shown.title, "yes" if motion.historical else "no", motion.assembly_name,
            motion.submitter, "; ".join(motion.tag_names),
            motion.published_at.isoformat() if motion.published_at else "",
            permalink(motion.code))])
    return out.getvalue()


def all_public(db: Session) -> list[Motion]:
    return sorted(db.scalars(select(Motion).where(Motion.status != "draft")),
                  key=lambda m: (m.year, m.code))
