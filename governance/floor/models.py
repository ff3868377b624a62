"""The assembly floor: the agenda, the rules of debate, and the list of speakers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from governance.db import Base, UTCDateTime, utcnow

ITEM_KINDS = ("report", "motion", "objective", "election", "other")
ITEM_STATES = ("upcoming", "current", "done", "postponed")
ALTERNATIONS = ("none", "region", "gender")
SPEECH_KINDS = ("speech", "point_of_order")
SPEAKER_STATES = ("waiting", "speaking", "done", "withdrawn")


class FloorRules(Base):
    """One per assembly: the poll that adopts its agenda and the rules of debate."""

    __tablename__ = "floor_rules"

    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id"), primary_key=True)
    agenda_poll_id: Mapped[int | None] = mapped_column(ForeignKey("polls.id"))
    speech_seconds: Mapped[int] = mapped_column(Integer, default=180)
    point_of_order_seconds: Mapped[int] = mapped_column(Integer, default=60)
    alternation: Mapped[str] = mapped_column(String(10), default="none")


class AgendaItem(Base):
    """One item of an assembly's agenda, in order, with its expected duration and state."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="other")
    motion_id: Mapped[int | None] = mapped_column(ForeignKey("motions.id"))
    duration_minutes: Mapped[int] = mapped_column(Integer, default=15)
    state: Mapped[str] = mapped_column(String(12), default="upcoming")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Speaker(Base):
    """A delegate on an item's list of speakers, and — once heard — for how long.

    Name, organization, region and gender are copied when the request is made, so the record
    of who spoke stays as it was even if the registry changes later.
    """

    __tablename__ = "speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("delegates.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    organization_name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(40))
    gender: Mapped[str | None] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20), default="speech")
    state: Mapped[str] = mapped_column(String(12), default="waiting")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    requested_by: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    limit_seconds: Mapped[int | None] = mapped_column(Integer)
