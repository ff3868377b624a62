"""Motions: drafting, the workflow with its dated transitions, and amendments.

Every function takes the session it works in and the `actor` that acts ("staff:ana"), records
the change in the audit trail in the same transaction, and raises `governance.errors`.
Translations, objectives and links are in `content`; attachments in `attachments`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from governance import errors, i18n
from governance.audit.services import record
from governance.db import utcnow
from governance.motions import fields as check
from governance.motions.content import refresh_search_text
from governance.motions.models import Motion, MotionLink, MotionTag, MotionText, MotionTransition
from governance.motions.workflow import CLOSED, STATUSES, can_move, next_statuses
from governance.motions.workflow import STATUS_NAMES as STATUS_LABEL
from governance.organizations.models import Organization

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class MotionFilter:
    status: str | None = None
    kind: str | None = None
    q: str | None = None


@dataclass(frozen=True)
class MotionPage:
    motions: list[Motion]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class MotionDetail:
    """A motion and its neighbours: parent, amendments, and links in both directions."""

    motion: Motion
    parent: Motion | None = None
    amendments: list[Motion] = field(default_factory=list)
    supersedes: list[Motion] = field(default_factory=list)
    superseded_by: list[Motion] = field(default_factory=list)
    amends: list[Motion] = field(default_factory=list)
    amended_by: list[Motion] = field(default_factory=list)
    link_ids: dict[tuple[str, int], int] = field(default_factory=dict)  # (relation, target) → id


def _now(now: datetime | None) -> datetime:
    return (now or utcnow()).replace(microsecond=0)


def year_of(motion: Motion) -> int:
    if motion.dated:
        return int(motion.dated[:4])
    return (motion.published_at or motion.created_at or utcnow()).year


# --- reading --------------------------------------------------------------------------------


def get_motion(db: Session, motion_id: int) -> Motion:
    motion = db.get(Motion, motion_id)
    if motion is None:
        raise errors.NotFound("There is no motion number %(id)s.", id=motion_id)
    return motion


def get_motion_by_code(db: Session, code: str) -> Motion:
    motion = db.scalar(select(Motion).where(Motion.code == code.strip().upper()))
    if motion is None:
        raise errors.NotFound("There is no motion %(reference)s.", reference=code[:40])
    return motion


def list_motions(db: Session, filters: MotionFilter, page: int = 1,
                 page_size: int = PAGE_SIZE, include_drafts: bool = True) -> MotionPage:
    page, page_size = max(1, page), max(1, min(page_size, MAX_PAGE_SIZE))
    query = select(Motion)
    if not include_drafts:
        query = query.where(Motion.status != "draft")
    if filters.status:
        query = query.where(Motion.status == filters.status)
    if filters.kind:
        query = query.where(Motion.kind == filters.kind)
    if filters.q:
        escaped = filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(or_(
            Motion.code.ilike(pattern, escape="\\"),
            Motion.texts.any(MotionText.title.ilike(pattern, escape="\\")),
        ))
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.scalars(query.order_by(Motion.year.desc(), Motion.code)
                      .offset((page - 1) * page_size).limit(page_size)).all()
    return MotionPage(list(rows), total, page, page_size)


def detail(db: Session, motion: Motion, public: bool = False) -> MotionDetail:
    """Everything around `motion`; with `public`, drafts around it stay hidden."""

    def visible(query: Any) -> Any:
        return query.where(Motion.status != "draft") if public else query

    parent = db.get(Motion, motion.parent_id) if motion.parent_id else None
    amendments = db.scalars(visible(select(Motion).where(Motion.parent_id == motion.id))
                            .order_by(Motion.code)).all()
    outgoing = db.execute(visible(select(MotionLink, Motion)
                                  .join(Motion, Motion.id == MotionLink.target_id)
                                  .where(MotionLink.motion_id == motion.id))
                          .order_by(Motion.year, Motion.code)).all()
    incoming = db.execute(visible(select(MotionLink, Motion)
                                  .join(Motion, Motion.id == MotionLink.motion_id)
                                  .where(MotionLink.target_id == motion.id))
                          .order_by(Motion.year, Motion.code)).all()
    return MotionDetail(
        motion=motion,
        parent=parent if parent is not None and not (public and parent.status == "draft")
        else None,
        amendments=list(amendments),
        supersedes=[m for link, m in outgoing if link.relation == "supersedes"],
        amends=[m for link, m in outgoing if link.relation == "amends"],
        superseded_by=[m for link, m in incoming if link.relation == "supersedes"],
        amended_by=[m for link, m in incoming if link.relation == "amends"],
        link_ids={(link.relation, m.id): link.id for link, m in outgoing},
    )


# --- drafting -------------------------------------------------------------------------------


def _submitter(db: Session, values: dict[str, Any], fields: dict[str, Any]) -> None:
    organization_id = check.optional_id(fields.get("submitter_organization_id"),
                                        "submitter_organization_id")
    label = check.label(fields.get("submitter"), "submitter")
    if organization_id is not None:
        organization = db.get(Organization, organization_id)
        if organization is None:
            raise errors.InvalidInput("There is no organization number %(id)s.",
                                      field="submitter_organization_id", id=organization_id)
        values.update(submitter_organization_id=organization.id,
                      submitter=label or organization.name,
                      submitter_country=organization.country)
    else:
        values.update(submitter_organization_id=None, submitter_country=None,
                      submitter=label or i18n.gettext("Board"))


def _clean(db: Session, fields: dict[str, Any], partial: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "code" in fields or not partial:
        values["code"] = check.code(fields.get("code"))
    if "kind" in fields or not partial:
        values["kind"] = check.kind(fields.get("kind"))
    if "title" in fields or not partial:
        values["title"] = check.title(fields.get("title"))
    if "body" in fields or not partial:
        values["body"] = check.body(fields.get("body"))
    if not partial:
        values["language"] = check.language(fields.get("language") or "es")
    if "tags" in fields:
        values["tags"] = check.tags(fields["tags"])
    if "submitter" in fields or "submitter_organization_id" in fields or not partial:
        _submitter(db, values, fields)
    for name in ("assembly_name",):
        if name in fields:
            values[name] = check.label(fields[name], name)
    for name in ("assembly_id", "result_poll_id"):
        if name in fields:
            values[name] = check.optional_id(fields[name], name)
    for name in ("source_note", "outcome_note"):
        if name in fields:
            values[name] = check.note(fields[name], name)
    if "dated" in fields:
        values["dated"] = check.dated(fields["dated"])
    if "amendment_deadline" in fields:
        values["amendment_deadline"] = check.moment(fields["amendment_deadline"],
                                                    "amendment_deadline")
    return values


def _ensure_code_free(db: Session, code: str, except_id: int | None = None) -> None:
    existing = db.scalar(select(Motion.id).where(Motion.code == code))
    if existing is not None and existing != except_id:
        raise errors.Conflict("The reference code %(reference)s is taken.", reference=code)


def _apply(motion: Motion, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if key == "tags":
            motion.tags = [MotionTag(tag=tag) for tag in value]
        elif key in ("title", "body"):
            original = motion.original
            setattr(original, key, value)
        elif key != "language":
            setattr(motion, key, value)
    motion.year = year_of(motion)
    refresh_search_text(motion)


def create_motion(db: Session, fields: dict[str, Any], actor: str,
                  now: datetime | None = None) -> Motion:
    """A new draft. `fields`: code, kind, title, body, language (of the original, default es),
    tags, submitter / submitter_organization_id, assembly_id, assembly_name, dated,
    amendment_deadline, source_note, outcome_note, result_poll_id."""
    values = _clean(db, fields, partial=False)
    _ensure_code_free(db, values["code"])
    at = _now(now)
    motion = Motion(status="draft", original_language=values["language"], created_at=at,
                    updated_at=at, historical=False)
    motion.texts = [MotionText(language=values["language"], title=values["title"],
                               body=values["body"], is_original=True, search_text="")]
    motion.history = [MotionTransition(from_status=None, to_status="draft", at=at, actor=actor)]
    db.add(motion)
    _apply(motion, values)
    db.flush()
    record(db, actor, "motion.create", f"motion:{motion.id}", {"code": motion.code}, now=at)
    return motion


EDITABLE_AFTER_DRAFT = {"tags", "assembly_id", "assembly_name", "dated", "amendment_deadline",
                        "source_note", "outcome_note", "result_poll_id"}


def update_motion(db: Session, motion_id: int, fields: dict[str, Any], actor: str) -> Motion:
    """Change a motion. Its wording, code, kind and submitter change only while it is a draft;
    the record around it (tags, dates, assembly, notes, result) may be completed later."""
    motion = get_motion(db, motion_id)
    if motion.status != "draft" and set(fields) - EDITABLE_AFTER_DRAFT:
        raise errors.Conflict("Only a draft can be reworded; this motion is %(status)s.",
                              status=i18n.gettext(STATUS_LABEL.get(motion.status, motion.status)))
    values = _clean(db, fields, partial=True)
    if "code" in values:
        _ensure_code_free(db, values["code"], motion.id)
    _apply(motion, values)
    db.flush()
    record(db, actor, "motion.update", f"motion:{motion.id}", {"fields": sorted(values)})
    return motion


# --- the workflow ---------------------------------------------------------------------------

def open_amendments(db: Session, motion: Motion) -> list[str]:
    return list(db.scalars(select(Motion.code).where(
        Motion.parent_id == motion.id, Motion.status.not_in(CLOSED | {"draft"}))
        .order_by(Motion.code)))


def move_motion(db: Session, motion_id: int, to_status: str, actor: str, *,
                note: str | None = None, assembly_id: int | None = None,
                assembly_name: str | None = None, now: datetime | None = None) -> Motion:
    """One step of the workflow: draft → published → on_agenda → voted → adopted / rejected /
    referred; withdrawn from draft, published or on_agenda."""
    motion = get_motion(db, motion_id)
    if to_status not in STATUSES:
        raise errors.InvalidInput("%(field)s must be one of %(allowed)s.", field="status",
                                  allowed=", ".join(STATUSES))
    if not can_move(motion.status, to_status):
        allowed = ", ".join(i18n.gettext(STATUS_LABEL[s]) for s in next_statuses(motion.status))
        raise errors.Conflict(
            "A motion that is %(status)s cannot become %(target)s (possible: %(allowed)s).",
            status=i18n.gettext(STATUS_LABEL[motion.status]),
            target=i18n.gettext(STATUS_LABEL[to_status]), allowed=allowed or "—")
    at = _now(now)
    if to_status == "published":
        if motion.kind == "strategic_plan" and not motion.objectives:
            raise errors.Conflict("A strategic plan needs at least one objective before it is "
                                  "published.")
        motion.published_at = at
    if to_status == "on_agenda":
        if assembly_id is not None:
            motion.assembly_id = check.optional_id(assembly_id, "assembly_id")
        if assembly_name:
            motion.assembly_name = check.label(assembly_name, "assembly_name")
        if motion.assembly_id is None and not motion.assembly_name:
            raise errors.InvalidInput("Say on the agenda of which assembly.",
                                      field="assembly_name")
    if to_status == "voted":
        still_open = open_amendments(db, motion)
        if still_open:
            raise errors.Conflict("Its amendments are voted first; still open: %(codes)s.",
                                  codes=", ".join(still_open))
    if to_status in CLOSED and not motion.dated:
        motion.dated = at.date().isoformat()
    motion.history.append(MotionTransition(from_status=motion.status, to_status=to_status, at=at,
                                           actor=actor, note=check.note(note, "note")))
    previous, motion.status = motion.status, to_status
    motion.year = year_of(motion)
    db.flush()
    record(db, actor, "motion.transition", f"motion:{motion.id}",
           {"code": motion.code, "from": previous, "to": to_status}, now=at)
    return motion


def publish_motion(db: Session, motion_id: int, actor: str,
                   now: datetime | None = None) -> Motion:
    return move_motion(db, motion_id, "published", actor, now=now)


# --- amendments -----------------------------------------------------------------------------


def amend_motion(db: Session, parent_id: int, fields: dict[str, Any], actor: str,
                 now: datetime | None = None) -> Motion:
    """An amendment proposed by a member organization (`submitter_organization_id`, required),
    entered by staff on its behalf, before the parent's `amendment_deadline`. It is published
    at once and must be closed (voted, withdrawn or referred) before its parent is voted."""
    parent = get_motion(db, parent_id)
    at = _now(now)
    if parent.parent_id is not None:
        raise errors.Conflict("An amendment cannot itself be amended.")
    if parent.status not in ("published", "on_agenda"):
        raise errors.Conflict("Amendments are proposed to a published motion before it is "
                              "voted.")
    if parent.amendment_deadline is not None and at > parent.amendment_deadline:
        raise errors.Conflict("The deadline for amendments to %(reference)s has passed.",
                              reference=parent.code)
    if check.optional_id(fields.get("submitter_organization_id"),
                         "submitter_organization_id") is None:
        raise errors.InvalidInput("Amendments are proposed by a member organization.",
                                  field="submitter_organization_id")
    values = dict(fields)
    if not values.get("code"):
        taken = set(db.scalars(select(Motion.code).where(Motion.parent_id == parent.id)))
        number = len(taken) + 1
        while f"{parent.code}-A{number}" in taken:
            number += 1
        values["code"] = f"{parent.code}-A{number}"
    values.setdefault("kind", parent.kind)
    values.setdefault("language", parent.original_language)
    values.setdefault("assembly_id", parent.assembly_id)
    values.setdefault("assembly_name", parent.assembly_name)
    for name in ("amendment_deadline", "dated", "result_poll_id"):
        values.pop(name, None)
    amendment = create_motion(db, values, actor, now=at)
    amendment.parent_id = parent.id
    amendment.status = "published"
    amendment.published_at = at
    amendment.history.append(MotionTransition(from_status="draft", to_status="published", at=at,
                                              actor=actor))
    amendment.year = year_of(amendment)
    db.flush()
    record(db, actor, "motion.amend", f"motion:{parent.id}",
           {"parent": parent.code, "amendment": amendment.code,
            "organization_id": amendment.submitter_organization_id}, now=at)
    return amendment


def organization_choices(db: Session) -> list[tuple[int, str, str]]:
    """(id, name, country) of every member, by name: who may submit or amend a motion."""
    rows = db.execute(select(Organization.id, Organization.name, Organization.country)
                      .order_by(Organization.name, Organization.id))
    return [(int(i), str(n), str(c)) for i, n, c in rows]
