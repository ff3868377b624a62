"""Motions and what hangs on them. A motion's own rows (texts, tags, objectives, history,
attachments) load with it; links to other motions are read by the services, never chased
through the ORM, so loading one motion never drags in the whole archive."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.db import Base, UTCDateTime, utcnow


class Motion(Base):
    """A text put to the assembly, or a position recorded from the minutes of one."""

    __tablename__ = "motions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # GA-2010-03: the permalink
    kind: Mapped[str] = mapped_column(String(30), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True, default="draft")
    original_language: Mapped[str] = mapped_column(String(2))
    # Who put it forward, as the record names them (organizations get renamed; the record
    # keeps the name of the day), plus a link to the registry while the member exists.
    submitter: Mapped[str] = mapped_column(String(200))
    submitter_country: Mapped[str | None] = mapped_column(String(2))
    submitter_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    # Amendments are motions with a parent; the parent sets until when they may be proposed.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("motions.id"), index=True)
    amendment_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The assembly that debates it. A plain integer for now: the assemblies table is built on
    # another branch, and a foreign key to assemblies.id will be added when both are merged.
    # `assembly_name` names it for people, and for historical assemblies that have no row.
    assembly_id: Mapped[int | None] = mapped_column(Integer, index=True)
    assembly_name: Mapped[str | None] = mapped_column(String(200), index=True)
    # The date of the decision as the minutes give it: 2010, 2010-11 or 2011-09-22.
    dated: Mapped[str | None] = mapped_column(String(10))
    # The archive's year: that of `dated`, else of publication, else of drafting.
    year: Mapped[int] = mapped_column(Integer, index=True)
    # Entered from minutes, without ballots; `source_note` says where the record comes from.
    historical: Mapped[bool] = mapped_column(Boolean, default=False)
    source_note: Mapped[str | None] = mapped_column(Text)
    outcome_note: Mapped[str | None] = mapped_column(Text)
    # The poll whose signed result decided it. A plain integer until the polls branch is
    # merged; the audit work turns it into a verified-result link.
    result_poll_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    texts: Mapped[list[MotionText]] = relationship(
        back_populates="motion", cascade="all, delete-orphan", lazy="selectin",
        order_by="MotionText.language")
    tags: Mapped[list[MotionTag]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MotionTag.tag")
    objectives: Mapped[list[MotionObjective]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MotionObjective.number")
    history: Mapped[list[MotionTransition]] = relationship(
        cascade="all, delete-orphan", lazy="selectin",
        order_by=lambda: [MotionTransition.at, MotionTransition.id])
    attachments: Mapped[list[MotionAttachment]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MotionAttachment.id")

    def text(self, language: str | None = None) -> MotionText:
        """The text in `language` when there is one, else the original."""
        by_language = {t.language: t for t in self.texts}
        if language in by_language:
            return by_language[language]  # type: ignore[index]
        return by_language.get(self.original_language) or self.texts[0]

    @property
    def original(self) -> MotionText:
        return self.text(self.original_language)

    @property
    def tag_names(self) -> list[str]:
        return sorted((t.tag for t in self.tags), key=str.casefold)


class MotionText(Base):
    """The title and Markdown body of a motion in one language, original or translation."""

    __tablename__ = "motion_texts"
    __table_args__ = (UniqueConstraint("motion_id", "language",
                                       name="uq_motion_texts_motion_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"),
                                           index=True)
    language: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    is_original: Mapped[bool] = mapped_column(Boolean, default=False)
    # What full-text search reads: the code, title, body as plain text, the objectives and the
    # tags, in this language. Kept by the services; the search indexes (SQLite FTS5 triggers,
    # PostgreSQL GIN indexes, made in the migration) follow it.
    search_text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    motion: Mapped[Motion] = relationship(back_populates="texts")


class MotionTag(Base):
    __tablename__ = "motion_tags"

    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"),
                                           primary_key=True)
    tag: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)


class MotionTransition(Base):
    """One dated step of the workflow, and who took it."""

    __tablename__ = "motion_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"),
                                           index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(120))  # "staff:ana", "archive import"
    note: Mapped[str | None] = mapped_column(Text)


class MotionObjective(Base):
    """A numbered objective of a strategic plan, which can be put to its own poll."""

    __tablename__ = "motion_objectives"
    __table_args__ = (UniqueConstraint("motion_id", "number",
                                       name="uq_motion_objectives_motion_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"),
                                           index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))  # in the motion's original language
    body: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str | None] = mapped_column(String(20))
    poll_id: Mapped[int | None] = mapped_column(Integer)  # no FK until polls are merged
    # {"en": {"title": ..., "body": ...}}: objectives are short, so their translations ride
    # along with them rather than in a table of their own.
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    def title_in(self, language: str | None) -> str:
        found = (self.translations or {}).get(language or "")
        return str(found["title"]) if found and found.get("title") else self.title

    def body_in(self, language: str | None) -> str:
        found = (self.translations or {}).get(language or "")
        return str(found.get("body") or "") if found and found.get("title") else self.body


class MotionLink(Base):
    """`motion` supersedes or amends `target`: a position stays in force until superseded."""

    __tablename__ = "motion_links"
    __table_args__ = (
        UniqueConstraint("motion_id", "target_id", "relation",
                         name="uq_motion_links_motion_target_relation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"),
                                           index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"),
                                           index=True)
    relation: Mapped[str] = mapped_column(String(20))  # supersedes | amends


class MotionAttachment(Base):
    """A PDF attached to a motion, stored under the data directory by its SHA-256."""

    __tablename__ = "motion_attachments"
    __table_args__ = (UniqueConstraint("motion_id", "sha256",
                                       name="uq_motion_attachments_motion_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"),
                                           index=True)
    filename: Mapped[str] = mapped_column(String(160))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by: Mapped[str] = mapped_column(String(120))
