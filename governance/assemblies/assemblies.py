"""Assemblies: creating them with their statutes' rules, reading them, moving their state."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ballots.weights import Weighting, WeightingError
from governance import errors
from governance.assemblies.models import KINDS, QUORUM_MODES, STATES, Assembly, Proxy
from governance.audit import services as audit
from governance.audit.models import AuditEvent

# The committee or the secretariat moves an assembly one step at a time, never back.
NEXT_STATE = {"planned": "accreditation", "accreditation": "in_session", "in_session": "closed"}
CHECK_IN_STATES = ("accreditation", "in_session")
FREEZE_STATES = ("accreditation", "in_session")


def subject(assembly_id: int, thing: str | None = None, thing_id: int | None = None) -> str:
    """Audit subjects: `assembly:3`, or `assembly:3/delegate:17` for what belongs to it."""
    base = f"assembly:{assembly_id}"
    return f"{base}/{thing}:{thing_id}" if thing else base


def weighting_of(assembly: Assembly) -> Weighting:
    return Weighting.from_dict(assembly.weighting)


def get_assembly(db: Session, assembly_id: int) -> Assembly:
    assembly = db.get(Assembly, assembly_id)
    if assembly is None:
        raise errors.NotFound("There is no assembly number %(id)s.", id=assembly_id)
    return assembly


def lock_assembly(db: Session, assembly_id: int) -> Assembly:
    """The assembly row, locked until the transaction ends (PostgreSQL; SQLite writers queue)."""
    assembly = db.scalar(select(Assembly).where(Assembly.id == assembly_id).with_for_update())
    if assembly is None:
        raise errors.NotFound("There is no assembly number %(id)s.", id=assembly_id)
    return assembly


def list_assemblies(db: Session) -> list[Assembly]:
    return list(db.scalars(select(Assembly).order_by(Assembly.starts_at.desc(), Assembly.id)))


def require_open(assembly: Assembly) -> None:
    if assembly.state == "closed":
        raise errors.Conflict("The assembly is closed; its accreditation cannot change any more.",
                              code="assembly_closed")


def require_check_in_open(assembly: Assembly) -> None:
    if assembly.state not in CHECK_IN_STATES:
        raise errors.Conflict("Check-in is open only during accreditation and the session.",
                              code="check_in_closed")


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise errors.InvalidInput("Unknown time zone %(zone)s; use a name like America/Lima.",
                                  field="timezone", zone=name) from None
    return name


def _percent(fields: dict[str, Any], name: str, default: int) -> int:
    value = fields.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
        raise errors.InvalidInput("%(field)s must be a whole number from 0 to 100.", field=name)
    return value


def moment_of(value: Any, name: str, required: bool) -> datetime | None:
    """A date and time with its offset (RFC 3339, as the API takes them), or InvalidInput
    naming the field."""
    if value is None or value == "":
        if required:
            raise errors.InvalidInput("%(field)s is required.", field=name)
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise errors.InvalidInput("%(field)s must be a date and time like "
                                      "2026-03-14T09:00:00-05:00.", field=name) from None
    if moment.tzinfo is None:
        raise errors.InvalidInput("%(field)s needs a time zone offset, like -05:00.", field=name)
    # Years 1 and 9999 cannot even be turned into UTC; no assembly is that far off anyway.
    if not 1900 <= moment.year <= 2200:
        raise errors.InvalidInput("%(field)s must be a date between the years 1900 and 2200.",
                                  field=name)
    return moment


def clean(fields: dict[str, Any]) -> dict[str, Any]:
    """Check an assembly's fields (API body or parsed form); the same rules for both."""
    title = " ".join(str(fields.get("title") or "").split())
    if not 1 <= len(title) <= 200:
        raise errors.InvalidInput("The title must have 1 to 200 characters.", field="title")
    kind = fields.get("kind") or "ordinary"
    if kind not in KINDS:
        raise errors.InvalidInput("%(field)s must be one of %(allowed)s.", field="kind",
                                  allowed=", ".join(KINDS))
    try:
        weighting = Weighting.from_dict(fields.get("weighting") or {})
    except WeightingError as exc:
        raise errors.InvalidInput("The weighting is not valid: %(reason)s.", field="weighting",
                                  reason=str(exc)) from None
    starts_at = moment_of(fields.get("starts_at"), "starts_at", required=True)
    ends_at = moment_of(fields.get("ends_at"), "ends_at", required=False)
    if starts_at and ends_at and ends_at < starts_at:
        raise errors.InvalidInput("The assembly cannot end before it starts.", field="ends_at")
    proxy_limit = fields.get("proxy_limit", 1)
    if not isinstance(proxy_limit, int) or isinstance(proxy_limit, bool) or not (
            0 <= proxy_limit <= 100):
        raise errors.InvalidInput("%(field)s must be a whole number from 0 to 100.",
                                  field="proxy_limit")
    mode = fields.get("quorum_mode") or "and"
    if mode not in QUORUM_MODES:
        raise errors.InvalidInput("%(field)s must be one of %(allowed)s.", field="quorum_mode",
                                  allowed=", ".join(QUORUM_MODES))
    poll_defaults = fields.get("poll_defaults") or {}
    if not isinstance(poll_defaults, dict) or not isinstance(poll_defaults.get("rules", {}),
                                                              dict):
        raise errors.InvalidInput("%(field)s must be an object.", field="poll_defaults")
    return {
        "title": title, "kind": kind, "weighting": weighting.to_dict(),
        "starts_at": starts_at, "ends_at": ends_at,
        "place": " ".join(str(fields.get("place") or "").split())[:200],
        "timezone": _timezone(str(fields.get("timezone") or "America/Lima")),
        "proxy_limit": proxy_limit,
        "quorum_weight_pct": _percent(fields, "quorum_weight_pct", 50),
        "quorum_orgs_pct": _percent(fields, "quorum_orgs_pct", 0),
        "quorum_mode": mode,
        "self_check_in": bool(fields.get("self_check_in", False)),
        "poll_defaults": poll_defaults,
    }


def create_assembly(db: Session, fields: dict[str, Any], actor: str, now: datetime) -> Assembly:
    values = clean(fields)
    assembly = Assembly(state="planned", created_by=actor, created_at=now, **values)
    db.add(assembly)
    db.flush()
    audit.record(db, actor, "assembly.create", subject(assembly.id),
                 {"title": assembly.title, "weighting": assembly.weighting,
                  "proxy_limit": assembly.proxy_limit}, now=now)
    return assembly


# What the frozen roll depends on: the weights were computed with this scheme when it froze.
ROLL_FIELDS = ("weighting",)


def _most_proxies_held(db: Session, assembly_id: int) -> int:
    counts = db.scalars(select(func.count()).select_from(Proxy)
                        .where(Proxy.assembly_id == assembly_id, Proxy.revoked_at.is_(None))
                        .group_by(Proxy.delegate_id))
    return max(counts, default=0)


def update_assembly(db: Session, assembly_id: int, fields: dict[str, Any], actor: str,
                    now: datetime) -> Assembly:
    """Change the fields given (title, dates, place, time zone, rules still changeable),
    checked like a new assembly. Refused once the assembly is closed; the weighting once the
    roll is frozen; a proxy limit below the proxies a delegate already holds."""
    assembly = lock_assembly(db, assembly_id)
    if assembly.state == "closed":
        raise errors.Conflict("The assembly is closed; its details can no longer change.",
                              code="assembly_closed")
    current = to_dict(assembly)
    values = clean({**current, **fields})
    frozen = [name for name in ROLL_FIELDS if name in fields and values[name] != current[name]]
    if frozen and assembly.roll_frozen_at is not None:
        raise errors.Conflict("The roll is frozen, so the weighting of votes can no longer "
                              "change: every weight in the roll was computed with it.",
                              code="roll_frozen")
    held = _most_proxies_held(db, assembly.id)
    if values["proxy_limit"] < held:
        raise errors.Conflict("A delegate already holds %(held)s proxies; the limit cannot be "
                              "lower. Revoke proxies first.", code="proxy_limit", held=held)
    changed = {}
    for name, value in values.items():
        if getattr(assembly, name) != value:
            changed[name] = value if not isinstance(value, datetime) else value.isoformat()
            setattr(assembly, name, value)
    db.flush()
    if changed:
        audit.record(db, actor, "assembly.update", subject(assembly.id), changed, now=now)
    return assembly


def change_state(db: Session, assembly_id: int, state: str, actor: str,
                 now: datetime) -> Assembly:
    """Move the assembly to its next state (planned → accreditation → in session → closed)."""
    assembly = lock_assembly(db, assembly_id)
    if state not in STATES:
        raise errors.InvalidInput("%(field)s must be one of %(allowed)s.", field="state",
                                  allowed=", ".join(STATES))
    if NEXT_STATE.get(assembly.state) != state:
        raise errors.Conflict("An assembly moves one step at a time, in this order: planned, "
                              "accreditation, in session, closed.", code="bad_transition")
    before = assembly.state
    assembly.state = state
    audit.record(db, actor, "assembly.state", subject(assembly.id),
                 {"from": before, "to": state}, now=now)
    db.flush()
    return assembly


def to_dict(assembly: Assembly) -> dict[str, Any]:
    return {
        "id": assembly.id,
        "title": assembly.title,
        "kind": assembly.kind,
        "starts_at": assembly.starts_at.isoformat(),
        "ends_at": assembly.ends_at.isoformat() if assembly.ends_at else None,
        "place": assembly.place,
        "timezone": assembly.timezone,
        "state": assembly.state,
        "weighting": weighting_of(assembly).to_dict(),
        "proxy_limit": assembly.proxy_limit,
        "quorum_weight_pct": assembly.quorum_weight_pct,
        "quorum_orgs_pct": assembly.quorum_orgs_pct,
        "quorum_mode": assembly.quorum_mode,
        "self_check_in": assembly.self_check_in,
        "poll_defaults": assembly.poll_defaults or {},
        "roll_frozen_at": assembly.roll_frozen_at.isoformat() if assembly.roll_frozen_at else None,
        "created_at": assembly.created_at.isoformat(),
    }


def assembly_events(db: Session, assembly_id: int, limit: int = 1000) -> list[AuditEvent]:
    """The audit trail of one assembly and of everything in it, oldest first."""
    base = subject(assembly_id)
    get_assembly(db, assembly_id)
    query = select(AuditEvent).where(or_(AuditEvent.subject == base,
                                         AuditEvent.subject.startswith(base + "/")))
    return list(db.scalars(query.order_by(AuditEvent.seq).limit(limit)))
