"""Board elections: the seats and their rules, and the candidates nominated by member
organizations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from governance.db import Base, UTCDateTime, utcnow


class Election(Base):
    """An election of an assembly: seats, reservations, parity, the nomination window, and
    once the candidates are known, the poll that elects them."""

    __tablename__ = "elections"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    seats: Mapped[int] = mapped_column(Integer)
    # ballots.seat_rules.Reservation dicts: {kind: region|network, value, seats}
    reservations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    parity: Mapped[bool] = mapped_column(Boolean, default=False)
    unfilled_reserved: Mapped[str] = mapped_column(String(10), default="vacant")
    nominations_open_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    nominations_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("polls.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120), default="")


class Candidacy(Base):
    """A person nominated by a member organization. Region and networks are the nominating
    organization's, copied at nomination; gender as the candidate states it."""

    __tablename__ = "candidacies"

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    organization_name: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    gender: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(40))
    networks: Mapped[list[str]] = mapped_column(JSON, default=list)
    nominated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    nominated_by: Mapped[str] = mapped_column(String(120))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by: Mapped[str | None] = mapped_column(String(120))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
