"""The archive as a JSON document (`asamblea.archive/1`): what `/archive/export.json` publishes
and what `asamblea archive import` reads, so that an export loads into an empty database with
nothing lost. The format is documented in docs/archive-format.md.

An import is hostile input: the document is checked against a JSON Schema, then every field by
the same rules as the board's forms, in one transaction (one bad record rejects the file).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance import errors
from governance.audit.services import record
from governance.db import utcnow
from governance.motions import attachments as files
from governance.motions import fields as check
from governance.motions.content import refresh_search_text
from governance.motions.models import (
    Motion,
    MotionAttachment,
    MotionLink,
    MotionObjective,
    MotionTag,
    MotionText,
    MotionTransition,
)
from governance.motions.services import year_of
from governance.motions.workflow import RELATIONS, STATUSES
from governance.organizations.models import Organization
from governance.settings import Settings
from governance.web.api import check as check_schema

FORMAT = "asamblea.archive/1"
MAX_BYTES = 50_000_000

_TEXT = {"type": "object", "required": ["title"], "additionalProperties": False,
         "properties": {"title": {"type": "string"}, "body": {"type": "string"}}}
_STAMP = {"type": ["string", "null"]}
MOTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["code", "kind", "status", "texts"],
    "additionalProperties": False,
    "properties": {
        "code": {"type": "string"},
        "kind": {"type": "string"},
        "status": {"type": "string", "enum": [s for s in STATUSES if s != "draft"]},
        "original_language": {"type": "string"},
        "dated": {"type": ["string", "null"]},
        "historical": {"type": "boolean"},
        "source_note": {"type": ["string", "null"]},
        "outcome_note": {"type": ["string", "null"]},
        "submitter": {"type": "object", "additionalProperties": False,
                      "properties": {"label": {"type": ["string", "null"]},
                                     "country": {"type": ["string", "null"]}}},
        "assembly": {"type": "object", "additionalProperties": False,
                     "properties": {"id": {"type": ["integer", "null"]},
                                    "name": {"type": ["string", "null"]}}},
        "tags": {"type": "array", "items": {"type": "string"}},
        "parent": {"type": ["string", "null"]},
        "amendment_deadline": _STAMP,
        "result_poll_id": {"type": ["integer", "null"]},
        "created_at": _STAMP,
        "published_at": _STAMP,
        "texts": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["language", "title"], "additionalProperties": False,
            "properties": {"language": {"type": "string"}, "title": {"type": "string"},
                           "body": {"type": "string"}, "original": {"type": "boolean"}}}},
        "objectives": {"type": "array", "items": {
            "type": "object", "required": ["number", "title"], "additionalProperties": False,
            "properties": {"number": {"type": "integer"}, "title": {"type": "string"},
                           "body": {"type": "string"},
                           "outcome": {"type": ["string", "null"]},
                           "poll_id": {"type": ["integer", "null"]},
                           "translations": {"type": "object", "additionalProperties": _TEXT}}}},
        "supersedes": {"type": "array", "items": {"type": "string"}},
        "amends": {"type": "array", "items": {"type": "string"}},
        "history": {"type": "array", "items": {
            "type": "object", "required": ["to", "at"], "additionalProperties": False,
            "properties": {"from": {"type": ["string", "null"]}, "to": {"type": "string"},
                           "at": {"type": "string"}, "by": {"type": ["string", "null"]},
                           "note": {"type": ["string", "null"]}}}},
        "attachments": {"type": "array", "items": {
            "type": "object", "required": ["filename", "sha256"], "additionalProperties": False,
            "properties": {"filename": {"type": "string"}, "sha256": {"type": "string"},
                           "size": {"type": "integer"}, "uploaded_at": _STAMP,
                           "uploaded_by": {"type": ["string", "null"]},
                           "content_base64": {"type": "string"}}}},
    },
}
DOCUMENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["format", "motions"],
    "properties": {
        "format": {"const": FORMAT},
        "exported_at": {"type": "string"},
        "description": {"type": "string"},
        "motions": {"type": "array", "maxItems": 100_000, "items": MOTION_SCHEMA},
    },
}


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # codes already in the archive
    warnings: list[str] = field(default_factory=list)


# --- export ---------------------------------------------------------------------------------


def _stamp(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def motion_record(motion: Motion, parent_code: str | None,
                  links: dict[str, list[str]]) -> dict[str, Any]:
    """One motion in the exchange format. Every list is sorted here, never left to the order
    of a collection in memory, so that the same archive always gives the same document."""
    return {
        "code": motion.code,
        "kind": motion.kind,
        "status": motion.status,
        "original_language": motion.original_language,
        "dated": motion.dated,
        "historical": motion.historical,
        "source_note": motion.source_note,
        "outcome_note": motion.outcome_note,
        "submitter": {"label": motion.submitter, "country": motion.submitter_country},
        "assembly": {"id": motion.assembly_id, "name": motion.assembly_name},
        "tags": motion.tag_names,
        "parent": parent_code,
        "amendment_deadline": _stamp(motion.amendment_deadline),
        "result_poll_id": motion.result_poll_id,
        "created_at": _stamp(motion.created_at),
        "published_at": _stamp(motion.published_at),
        "texts": [{"language": t.language, "title": t.title, "body": t.body,
                   "original": t.is_original}
                  for t in sorted(motion.texts, key=lambda t: t.language)],
        "objectives": [{"number": o.number, "title": o.title, "body": o.body,
                        "outcome": o.outcome, "poll_id": o.poll_id,
                        "translations": dict(sorted((o.translations or {}).items()))}
                       for o in sorted(motion.objectives, key=lambda o: o.number)],
        "supersedes": links.get("supersedes", []),
        "amends": links.get("amends", []),
        "history": [{"from": h.from_status, "to": h.to_status, "at": _stamp(h.at),
                     "by": h.actor, "note": h.note}
                    for h in sorted(motion.history, key=lambda h: h.at)],
        "attachments": [{"filename": a.filename, "sha256": a.sha256, "size": a.size,
                         "uploaded_at": _stamp(a.uploaded_at), "uploaded_by": a.uploaded_by}
                        for a in sorted(motion.attachments, key=lambda a: a.id)],
    }


def export_archive(db: Session, now: datetime | None = None) -> dict[str, Any]:
    """Every published (non-draft) motion, oldest first, in `asamblea.archive/1`."""
    # Sorted here, not by the database, so that every backend's collation gives the same file.
    motions = sorted(db.scalars(select(Motion).where(Motion.status != "draft")),
                     key=lambda m: (m.year, m.code))
    codes = {m.id: m.code for m in motions}
    links: dict[int, dict[str, list[str]]] = {}
    for link in db.scalars(select(MotionLink).order_by(MotionLink.id)):
        if link.motion_id in codes and link.target_id in codes:
            links.setdefault(link.motion_id, {}).setdefault(link.relation, []).append(
                codes[link.target_id])
    for found in links.values():
        for relation in found:
            found[relation].sort()
    return {
        "format": FORMAT,
        "exported_at": (now or utcnow()).replace(microsecond=0).isoformat(),
        "motions": [motion_record(m, codes.get(m.parent_id) if m.parent_id else None,
                                  links.get(m.id, {})) for m in motions],
    }


# --- import ---------------------------------------------------------------------------------


def parse_document(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_BYTES:
        raise errors.InvalidInput("The file is larger than %(limit)s bytes.", limit=MAX_BYTES)
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise errors.InvalidInput("The file is not valid JSON: %(reason)s",
                                  reason=str(exc)) from None
    check_schema(DOCUMENT_SCHEMA, document)
    return document  # type: ignore[no-any-return]


def _in_record(code: str, error: errors.DomainError) -> errors.InvalidInput:
    from governance import i18n

    return errors.InvalidInput("In %(reference)s: %(problem)s", reference=code,
                               problem=i18n.gettext(error.message, **error.params))


def _moment(value: Any, name: str, default: datetime) -> datetime:
    return check.moment(value, name) or default


def _decision_time(dated: str | None, now: datetime) -> str:
    if not dated:
        return now.isoformat()
    year, month, day = ([int(p) for p in dated.split("-")] + [1, 1])[:3]
    return datetime(year, month, day, tzinfo=UTC).isoformat()


def _build(db: Session, entry: dict[str, Any], actor: str, now: datetime) -> Motion:
    texts = entry["texts"]
    originals = [t for t in texts if t.get("original")] or ([texts[0]] if len(texts) == 1
                                                              else [])
    original_language = entry.get("original_language") or (
        originals[0]["language"] if originals else None)
    original_language = check.language(original_language, "original_language")
    historical = entry.get("historical", True)
    if historical and (entry.get("result_poll_id") or any(
            o.get("poll_id") for o in entry.get("objectives", []))):
        raise errors.InvalidInput("A historical record has no ballots, so no poll.",
                                  field="result_poll_id")
    submitter = entry.get("submitter") or {}
    assembly = entry.get("assembly") or {}
    motion = Motion(
        code=check.code(entry["code"]), kind=check.kind(entry["kind"]), status=entry["status"],
        original_language=original_language,
        submitter=check.label(submitter.get("label"), "submitter") or "—",
        submitter_country=(submitter.get("country") or None),
        assembly_id=check.optional_id(assembly.get("id"), "assembly.id"),
        assembly_name=check.label(assembly.get("name"), "assembly.name"),
        dated=check.dated(entry.get("dated")), historical=historical,
        source_note=check.note(entry.get("source_note"), "source_note"),
        outcome_note=check.note(entry.get("outcome_note"), "outcome_note"),
        result_poll_id=check.optional_id(entry.get("result_poll_id"), "result_poll_id"),
        amendment_deadline=check.moment(entry.get("amendment_deadline"), "amendment_deadline"),
        created_at=_moment(entry.get("created_at"), "created_at", now),
        published_at=_moment(entry.get("published_at"), "published_at", now),
    )
    motion.updated_at = now
    if motion.submitter_country and len(motion.submitter_country) != 2:
        raise errors.InvalidInput("%(field)s must be a two-letter ISO country code.",
                                  field="submitter.country")
    seen: set[str] = set()
    for t in texts:
        language = check.language(t["language"])
        if language in seen:
            raise errors.InvalidInput("Two texts in %(language)s.", field="texts",
                                      language=language)
        seen.add(language)
        motion.texts.append(MotionText(language=language, title=check.title(t["title"]),
                                       body=check.body(t.get("body", "")),
                                       is_original=language == original_language,
                                       search_text=""))
    if original_language not in seen:
        raise errors.InvalidInput("There is no text in the original language.", field="texts")
    motion.tags = [MotionTag(tag=tag) for tag in check.tags(entry.get("tags", []))]
    numbers: set[int] = set()
    for o in entry.get("objectives", []):
        if not 1 <= o["number"] <= 99 or o["number"] in numbers:
            raise errors.InvalidInput("Objectives are numbered once each, from 1 to 99.",
                                      field="objectives")
        numbers.add(o["number"])
        translations = {check.language(lang): {"title": check.title(v["title"]),
                                               "body": check.body(v.get("body", ""))}
                        for lang, v in sorted(o.get("translations", {}).items())}
        motion.objectives.append(MotionObjective(
            number=o["number"], title=check.title(o["title"]), body=check.body(o.get("body")),
            outcome=check.outcome(o.get("outcome")),
            poll_id=check.optional_id(o.get("poll_id"), "poll_id"), translations=translations))
    # Minutes give the decision, not a workflow: one step, dated as the decision was.
    history = entry.get("history") or [{"from": None, "to": entry["status"],
                                        "at": _decision_time(motion.dated, now), "by": actor,
                                        "note": None}]
    for h in history:
        if h["to"] not in STATUSES or (h.get("from") and h["from"] not in STATUSES):
            raise errors.InvalidInput("%(field)s must be one of %(allowed)s.", field="history",
                                      allowed=", ".join(STATUSES))
        motion.history.append(MotionTransition(
            from_status=h.get("from"), to_status=h["to"], at=_moment(h["at"], "history.at", now),
            actor=check.label(h.get("by"), "history.by", limit=120) or actor,
            note=check.note(h.get("note"), "history.note")))
    motion.year = year_of(motion)
    if motion.submitter_country:
        motion.submitter_organization_id = db.scalar(select(Organization.id).where(
            Organization.name == motion.submitter,
            Organization.country == motion.submitter_country))
    return motion


def _attach(settings: Settings, motion: Motion, entry: dict[str, Any], actor: str,
            now: datetime, report: ImportReport) -> None:
    for a in entry.get("attachments", []):
        digest = str(a["sha256"]).lower()
        if "content_base64" in a:
            try:
                content = base64.b64decode(a["content_base64"], validate=True)
            except (binascii.Error, ValueError):
                raise errors.InvalidInput("%(field)s is not valid base64.",
                                          field="attachments.content_base64") from None
            files.check_pdf(content)
            if hashlib.sha256(content).hexdigest() != digest:
                raise errors.InvalidInput("The attachment %(name)s does not match its SHA-256.",
                                          name=a["filename"][:120])
            files.store(settings, content)
        path = files.stored_path(settings, digest)
        if not path.is_file():
            report.warnings.append(f"{motion.code}: {a['filename']} ({digest[:12]}…) is not in "
                                   "the data directory; not attached")
            continue
        motion.attachments.append(MotionAttachment(
            filename=files.safe_filename(a["filename"]), sha256=digest,
            size=path.stat().st_size, uploaded_at=_moment(a.get("uploaded_at"), "uploaded_at", now),
            uploaded_by=check.label(a.get("uploaded_by"), "uploaded_by", limit=120) or actor))


def import_archive(db: Session, settings: Settings, document: dict[str, Any], actor: str,
                   now: datetime | None = None) -> ImportReport:
    """Load the motions of `document` whose codes are new; leave existing codes untouched."""
    check_schema(DOCUMENT_SCHEMA, document)
    at = (now or utcnow()).replace(microsecond=0)
    report = ImportReport()
    existing = set(db.scalars(select(Motion.code)))
    created: dict[str, tuple[Motion, dict[str, Any]]] = {}
    for entry in document["motions"]:
        code = str(entry["code"]).strip().upper()
        if code in existing:
            report.skipped.append(code)
            continue
        if code in created:
            raise errors.InvalidInput("%(reference)s appears twice in the file.",
                                      reference=code[:40])
        try:
            motion = _build(db, entry, actor, at)
            _attach(settings, motion, entry, actor, at, report)
        except errors.DomainError as exc:
            raise _in_record(code[:40], exc) from None
        db.add(motion)
        created[motion.code] = (motion, entry)
    db.flush()
    for code, (motion, entry) in created.items():
        try:
            _relate(db, motion, entry)
        except errors.DomainError as exc:
            raise _in_record(code, exc) from None
        refresh_search_text(motion)
        report.imported.append(code)
    db.flush()
    record(db, actor, "archive.import", "archive",
           {"imported": report.imported, "skipped": report.skipped}, now=at)
    return report


def _id_of(db: Session, code: str) -> int:
    found = db.scalar(select(Motion.id).where(Motion.code == check.code(code)))
    if found is None:
        raise errors.InvalidInput("It refers to %(other)s, which is neither in the file nor in "
                                  "the archive.", other=code[:40])
    return found


def _relate(db: Session, motion: Motion, entry: dict[str, Any]) -> None:
    if entry.get("parent"):
        motion.parent_id = _id_of(db, entry["parent"])
    for relation in RELATIONS:
        for target in sorted(set(entry.get(relation, []))):
            target_id = _id_of(db, target)
            if target_id == motion.id:
                raise errors.InvalidInput("A motion cannot supersede or amend itself.",
                                          field=relation)
            db.add(MotionLink(motion_id=motion.id, target_id=target_id, relation=relation))
