"""Motions as the API shows them, and the JSON Schemas the OpenAPI document publishes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from governance.motions.markdown import render
from governance.motions.models import Motion
from governance.motions.services import MotionDetail
from governance.motions.workflow import (
    KINDS,
    OBJECTIVE_OUTCOMES,
    RELATIONS,
    STATUSES,
    TEXT_LANGUAGES,
)

_NULLABLE_STRING = {"type": ["string", "null"]}
_NULLABLE_INT = {"type": ["integer", "null"]}
_CODES = {"type": "array", "items": {"type": "string"}}

MOTION: dict[str, Any] = {
    "type": "object",
    "required": ["id", "code", "title", "body", "kind", "status", "language",
                 "original_language"],
    "properties": {
        "id": {"type": "integer"},
        "code": {"type": "string", "description": "reference code, e.g. GA-2010-03"},
        "title": {"type": "string", "description": "in `language`"},
        "body": {"type": "string", "description": "Markdown, in `language`"},
        "body_html": {"type": "string", "description": "the body rendered and sanitized"},
        "language": {"type": "string", "enum": list(TEXT_LANGUAGES)},
        "original_language": {"type": "string", "enum": list(TEXT_LANGUAGES)},
        "kind": {"type": "string", "enum": list(KINDS)},
        "status": {"type": "string", "enum": list(STATUSES)},
        "submitter": {"type": "object", "properties": {
            "label": {"type": "string"}, "organization_id": _NULLABLE_INT,
            "country": _NULLABLE_STRING}},
        "tags": {"type": "array", "items": {"type": "string"}},
        "parent": _NULLABLE_STRING,
        "amendment_deadline": _NULLABLE_STRING,
        "assembly": {"type": "object", "properties": {"id": _NULLABLE_INT,
                                                      "name": _NULLABLE_STRING}},
        "dated": _NULLABLE_STRING,
        "year": {"type": "integer"},
        "historical": {"type": "boolean"},
        "source_note": _NULLABLE_STRING,
        "outcome_note": _NULLABLE_STRING,
        "result_poll_id": _NULLABLE_INT,
        "published_at": _NULLABLE_STRING,
        "created_at": {"type": "string"},
        "texts": {"type": "array", "items": {"type": "object", "properties": {
            "language": {"type": "string"}, "title": {"type": "string"},
            "body": {"type": "string"}, "is_original": {"type": "boolean"}}}},
        "objectives": {"type": "array", "items": {"type": "object", "properties": {
            "number": {"type": "integer"}, "title": {"type": "string"},
            "body": {"type": "string"},
            "outcome": {"type": ["string", "null"], "enum": [*OBJECTIVE_OUTCOMES, None]},
            "poll_id": _NULLABLE_INT}}},
        "history": {"type": "array", "items": {"type": "object", "properties": {
            "from": _NULLABLE_STRING, "to": {"type": "string"}, "at": {"type": "string"},
            "by": {"type": "string"}, "note": _NULLABLE_STRING}}},
        "attachments": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "filename": {"type": "string"},
            "sha256": {"type": "string"}, "size": {"type": "integer"}}}},
        "amendments": _CODES, "supersedes": _CODES, "superseded_by": _CODES,
        "amends": _CODES, "amended_by": _CODES,
    },
}

_FIELDS: dict[str, Any] = {
    "code": {"type": "string", "minLength": 1, "maxLength": 40,
             "pattern": "^ *[A-Za-z0-9]+(-[A-Za-z0-9]+)* *$"},
    "kind": {"type": "string", "enum": list(KINDS)},
    "title": {"type": "string", "minLength": 1, "maxLength": 300},
    "body": {"type": "string", "maxLength": 100_000},
    "language": {"type": "string", "enum": list(TEXT_LANGUAGES),
                 "description": "language of the original (default es)"},
    "tags": {"type": "array", "maxItems": 20, "items": {"type": "string", "maxLength": 60}},
    "submitter": {"type": "string", "maxLength": 200,
                  "description": "who puts it forward; default: the board"},
    "submitter_organization_id": _NULLABLE_INT,
    "assembly_id": _NULLABLE_INT,
    "assembly_name": {"type": ["string", "null"], "maxLength": 200},
    "dated": {"type": ["string", "null"], "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$",
              "description": "2011-09-22, 2010-11 or 2010"},
    "amendment_deadline": {"type": ["string", "null"], "format": "date-time"},
    "source_note": {"type": ["string", "null"], "maxLength": 5000},
    "outcome_note": {"type": ["string", "null"], "maxLength": 5000},
    "result_poll_id": _NULLABLE_INT,
}
CREATE: dict[str, Any] = {"type": "object", "required": ["code", "kind", "title"],
                          "properties": _FIELDS, "additionalProperties": False}
UPDATE: dict[str, Any] = {"type": "object", "minProperties": 1,
                          "properties": {k: v for k, v in _FIELDS.items() if k != "language"},
                          "additionalProperties": False}
AMEND: dict[str, Any] = {
    "type": "object", "required": ["title", "submitter_organization_id"],
    "properties": {k: _FIELDS[k] for k in ("code", "kind", "title", "body", "language", "tags",
                                           "submitter", "submitter_organization_id")},
    "additionalProperties": False,
}
TRANSITION: dict[str, Any] = {
    "type": "object", "required": ["status"], "additionalProperties": False,
    "properties": {"status": {"type": "string", "enum": list(STATUSES)},
                   "note": {"type": ["string", "null"], "maxLength": 5000},
                   "assembly_id": _NULLABLE_INT,
                   "assembly_name": {"type": ["string", "null"], "maxLength": 200}},
}
TEXT: dict[str, Any] = {
    "type": "object", "required": ["title"], "additionalProperties": False,
    "properties": {"title": _FIELDS["title"], "body": _FIELDS["body"]},
}
OBJECTIVE_OUTCOME: dict[str, Any] = {
    "type": "object", "required": ["outcome"], "additionalProperties": False,
    "properties": {"outcome": {"type": ["string", "null"], "enum": [*OBJECTIVE_OUTCOMES, None]},
                   "poll_id": _NULLABLE_INT},
}
LINK: dict[str, Any] = {
    "type": "object", "required": ["relation", "code"], "additionalProperties": False,
    "properties": {"relation": {"type": "string", "enum": list(RELATIONS)},
                   "code": {"type": "string", "minLength": 1, "maxLength": 40,
                            "description": "the earlier motion"}},
}


def _stamp(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _codes(motions: list[Motion]) -> list[str]:
    return [m.code for m in motions]


def motion_json(found: MotionDetail, language: str | None) -> dict[str, Any]:
    motion = found.motion
    shown = motion.text(language)
    return {
        "id": motion.id,
        "code": motion.code,
        "title": shown.title,
        "body": shown.body,
        "body_html": str(render(shown.body)),
        "language": shown.language,
        "original_language": motion.original_language,
        "kind": motion.kind,
        "status": motion.status,
        "submitter": {"label": motion.submitter,
                      "organization_id": motion.submitter_organization_id,
                      "country": motion.submitter_country},
        "tags": motion.tag_names,
        "parent": found.parent.code if found.parent else None,
        "amendment_deadline": _stamp(motion.amendment_deadline),
        "assembly": {"id": motion.assembly_id, "name": motion.assembly_name},
        "dated": motion.dated,
        "year": motion.year,
        "historical": motion.historical,
        "source_note": motion.source_note,
        "outcome_note": motion.outcome_note,
        "result_poll_id": motion.result_poll_id,
        "published_at": _stamp(motion.published_at),
        "created_at": _stamp(motion.created_at),
        "texts": [{"language": t.language, "title": t.title, "body": t.body,
                   "is_original": t.is_original} for t in motion.texts],
        "objectives": [{"number": o.number, "title": o.title_in(shown.language),
                        "body": o.body_in(shown.language), "outcome": o.outcome,
                        "poll_id": o.poll_id} for o in motion.objectives],
        "history": [{"from": h.from_status, "to": h.to_status, "at": _stamp(h.at),
                     "by": h.actor, "note": h.note} for h in motion.history],
        "attachments": [{"id": a.id, "filename": a.filename, "sha256": a.sha256,
                         "size": a.size} for a in motion.attachments],
        "amendments": _codes(found.amendments),
        "supersedes": _codes(found.supersedes),
        "superseded_by": _codes(found.superseded_by),
        "amends": _codes(found.amends),
        "amended_by": _codes(found.amended_by),
    }
