"""JSON Schemas of the assemblies API: request bodies are checked against the very schemas that
`/api/v1/openapi.json` publishes."""

from __future__ import annotations

from typing import Any

from governance.assemblies.models import GENDERS, KINDS, QUORUM_MODES, STATES

Schema = dict[str, Any]

_ID: Schema = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}  # a row id
_TIME: Schema = {"type": "string", "format": "date-time"}
_OPTIONAL_TIME: Schema = {"type": ["string", "null"], "format": "date-time"}
_PERCENT: Schema = {"type": "integer", "minimum": 0, "maximum": 100}

WEIGHTING: Schema = {
    "type": "object",
    "required": ["scheme"],
    "properties": {
        "scheme": {"type": "string", "enum": ["equal", "members", "sqrt", "bands"]},
        "bands": {"type": "array", "maxItems": 50, "items": {
            "type": "object", "required": ["min_members", "weight"],
            "properties": {"min_members": {"type": "integer", "minimum": 0,
                                           "maximum": 10_000_000},
                           "weight": {"type": "integer", "minimum": 1, "maximum": 10_000_000}},
            "additionalProperties": False}},
        "max_weight": {"type": ["integer", "null"], "minimum": 1, "maximum": 10_000_000},
    },
    "additionalProperties": False,
    # bands belong to the `bands` scheme, which needs at least one
    "if": {"properties": {"scheme": {"const": "bands"}}},
    "then": {"required": ["bands"], "properties": {"bands": {"minItems": 1}}},
    "else": {"properties": {"bands": {"maxItems": 0}}},
}
_ASSEMBLY_FIELDS: Schema = {
    "title": {"type": "string", "minLength": 1, "maxLength": 200},
    "kind": {"type": "string", "enum": list(KINDS)},
    "starts_at": {**_TIME, "description": "RFC 3339, with a time zone offset"},
    "ends_at": _OPTIONAL_TIME,
    "place": {"type": "string", "maxLength": 200},
    "timezone": {"type": "string", "maxLength": 64, "description": "IANA name, e.g. America/Lima"},
    "weighting": WEIGHTING,
    "proxy_limit": {"type": "integer", "minimum": 0, "maximum": 100,
                    "description": "most proxies one delegate may hold"},
    "quorum_weight_pct": {**_PERCENT, "description": "share of the total weight present"},
    "quorum_orgs_pct": {**_PERCENT, "description": "share of the organizations present"},
    "quorum_mode": {"type": "string", "enum": list(QUORUM_MODES),
                    "description": "both shares (and) or either (or)"},
    "self_check_in": {"type": "boolean"},
    "poll_defaults": {
        "type": "object", "additionalProperties": False,
        "description": "what new polls start with; rules as in createPoll",
        "properties": {"allow_split": {"type": "boolean"}, "allow_revote": {"type": "boolean"},
                       "secret": {"type": "boolean"},
                       "rules": {"type": "object", "maxProperties": 20}}},
}
CREATE_ASSEMBLY: Schema = {"type": "object", "required": ["title", "starts_at", "weighting"],
                           "properties": _ASSEMBLY_FIELDS, "additionalProperties": False}
UPDATE_ASSEMBLY: Schema = {
    "type": "object", "minProperties": 1, "properties": _ASSEMBLY_FIELDS,
    "additionalProperties": False,
    "description": "only the fields to change; the weighting is fixed once the roll is frozen",
}
ASSEMBLY: Schema = {
    "type": "object",
    "required": ["id", "title", "kind", "starts_at", "state", "weighting", "proxy_limit"],
    "properties": {**_ASSEMBLY_FIELDS, "id": {"type": "integer"},
                   "state": {"type": "string", "enum": list(STATES)},
                   "roll_frozen_at": _OPTIONAL_TIME, "created_at": _TIME},
}
ASSEMBLY_LIST: Schema = {"type": "object", "required": ["assemblies"],
                         "properties": {"assemblies": {"type": "array", "items": ASSEMBLY}}}
CHANGE_STATE: Schema = {"type": "object", "required": ["state"],
                        "properties": {"state": {"type": "string", "enum": list(STATES)}},
                        "additionalProperties": False}

ISSUE: Schema = {"type": "object", "required": ["organization_id", "name"],
                 "properties": {"organization_id": _ID,
                                "name": {"type": "string", "minLength": 1, "maxLength": 200},
                                "gender": {"type": "string", "enum": list(GENDERS),
                                           "description": "only if the delegate states it"}},
                 "additionalProperties": False}
ISSUED: Schema = {
    "type": "object",
    "required": ["delegate_id", "credential", "credential_id", "assembly_id", "login_url"],
    "properties": {
        "delegate_id": {"type": "integer"},
        "credential": {"type": "string", "description": "shown once; only its hash is kept"},
        "credential_id": {"type": "string", "description": "the public first group"},
        "assembly_id": {"type": "integer"},
        "organization_id": {"type": "integer"},
        "name": {"type": "string"},
        "login_url": {"type": "string", "description": "login page, identifier filled in"},
    },
}
DELEGATE: Schema = {
    "type": "object",
    "required": ["id", "assembly_id", "organization_id", "name", "credential_id"],
    "properties": {
        "id": {"type": "integer"}, "assembly_id": {"type": "integer"},
        "organization_id": {"type": "integer"}, "organization_name": {"type": "string"},
        "name": {"type": "string"}, "credential_id": {"type": "string"},
        "issued_at": _TIME, "revoked_at": _OPTIONAL_TIME, "checked_in_at": _OPTIONAL_TIME,
        "proxies_held": {"type": "integer"},
    },
}
DELEGATE_LIST: Schema = {"type": "object", "required": ["delegates", "total", "page"],
                         "properties": {"delegates": {"type": "array", "items": DELEGATE},
                                        "total": {"type": "integer"},
                                        "page": {"type": "integer"},
                                        "page_size": {"type": "integer"}}}
DELEGATE_ID: Schema = {"type": "object", "required": ["delegate_id"],
                       "properties": {"delegate_id": _ID}, "additionalProperties": False}

GRANT: Schema = {"type": "object", "required": ["organization_id", "delegate_id"],
                 "properties": {"organization_id": _ID, "delegate_id": _ID},
                 "additionalProperties": False}
PROXY: Schema = {
    "type": "object",
    "required": ["id", "organization_id", "delegate_id", "granted_at"],
    "properties": {
        "id": {"type": "integer"}, "assembly_id": {"type": "integer"},
        "organization_id": {"type": "integer"}, "organization_name": {"type": "string"},
        "delegate_id": {"type": "integer"}, "delegate_name": {"type": "string"},
        "granted_at": _TIME, "granted_by": {"type": "string"},
        "revoked_at": _OPTIONAL_TIME, "revoked_by": {"type": ["string", "null"]},
        "letter": {"type": ["object", "null"], "properties": {
            "filename": {"type": "string"}, "sha256": {"type": "string"},
            "content_type": {"type": "string"}, "size": {"type": "integer"}}},
    },
}
PROXY_LIST: Schema = {"type": "object", "required": ["proxies"],
                      "properties": {"proxies": {"type": "array", "items": PROXY}}}

ROLL: Schema = {
    "type": "object",
    "required": ["voting_rights", "total_weight"],
    "properties": {
        "assembly_id": {"type": "integer"},
        "frozen_at": _OPTIONAL_TIME,
        "voting_rights": {"type": "array", "items": {
            "type": "object", "required": ["organization_id", "weight", "present"],
            "properties": {"organization_id": {"type": "integer"},
                           "weight": {"type": "integer"}, "present": {"type": "boolean"},
                           "organization_name": {"type": "string"},
                           "country": {"type": "string"}}}},
        "total_weight": {"type": "integer"},
        "present_weight": {"type": "integer"},
        "organizations": {"type": "integer"},
        "present_organizations": {"type": "integer"},
        "quorum": {"type": "object", "properties": {
            "weight_pct": {"type": "integer"}, "orgs_pct": {"type": "integer"},
            "mode": {"type": "string"}, "weight_met": {"type": "boolean"},
            "orgs_met": {"type": "boolean"}, "met": {"type": "boolean"}}},
    },
}
EVENTS: Schema = {"type": "object", "required": ["events"], "properties": {"events": {
    "type": "array", "items": {"type": "object", "properties": {
        "seq": {"type": "integer"}, "at": _TIME, "actor": {"type": "string"},
        "action": {"type": "string"}, "subject": {"type": "string"},
        "details": {"type": "object"}, "prev_hash": {"type": "string"},
        "hash": {"type": "string"}}}}}}
ACCREDITATION: Schema = {
    "type": "object",
    "required": ["delegate_id", "name", "assembly", "represents", "checked_in"],
    "properties": {
        "delegate_id": {"type": "integer"}, "name": {"type": "string"},
        "assembly": ASSEMBLY, "checked_in": {"type": "boolean"},
        "represents": {"type": "array", "items": {
            "type": "object", "required": ["organization_id", "organization_name", "via_proxy"],
            "properties": {"organization_id": {"type": "integer"},
                           "organization_name": {"type": "string"},
                           "via_proxy": {"type": "boolean"}}}},
    },
}
