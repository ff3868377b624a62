from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from governance.db import Base, UTCDateTime, utcnow

STATES = ("draft", "open", "closed")


class Poll(Base):
    """One question put to the voting rights of an assembly."""

    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    # What is being decided: a motion, or one objective of a strategic plan.
    motion_id: Mapped[int | None] = mapped_column(Integer, index=True)
    objective_number: Mapped[int | None] = mapped_column(Integer)
    # The PollSpec (ballots.polls), kept in its dict form so it is frozen exactly as signed.
    method: Mapped[str] = mapped_column(String(20))
    options: Mapped[list[str]] = mapped_column(JSON)
    option_labels: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    max_choices: Mapped[int] = mapped_column(Integer, default=1)
    allow_split: Mapped[bool] = mapped_column(Boolean, default=False)
    allow_revote: Mapped[bool] = mapped_column(Boolean, default=False)
    secret: Mapped[bool] = mapped_column(Boolean, default=False)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(10), default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Per-poll secret from which a secret poll's voter pseudonyms are derived.
    pseudonym_key: Mapped[str] = mapped_column(String(64))
    # The next ledger position; bumped under the poll's row lock, so positions never repeat.
    next_seq: Mapped[int] = mapped_column(Integer, default=0)
    # Filled at closing: the signed result (RFC 8785 bytes as text) and its signature.
    result_json: Mapped[str | None] = mapped_column(Text)
    result_signature: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str | None] = mapped_column(String(100))
    # A board election's seat rules and candidates (ballots.elections.Election.to_dict()):
    # sealing allocates the seats from the tally and signs them with the result.
    election: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class PollVoter(Base):
    """A voting right as this poll sees it: frozen weight at opening, presence at closing."""

    __tablename__ = "poll_voters"
    __table_args__ = (
        UniqueConstraint("poll_id", "organization_id", name="uq_poll_voters_poll_organization"),
        UniqueConstraint("poll_id", "voter", name="uq_poll_voters_poll_voter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    organization_name: Mapped[str] = mapped_column(String(200))
    voter: Mapped[str] = mapped_column(String(40))
    weight: Mapped[int] = mapped_column(Integer)
    present: Mapped[bool] = mapped_column(Boolean, default=False)


class Ballot(Base):
    """A ballot accepted into the poll's ledger. `line` is the exact canonical JSON leaf."""

    __tablename__ = "ballots"
    __table_args__ = (UniqueConstraint("poll_id", "seq", name="uq_ballots_poll_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    voter: Mapped[str] = mapped_column(String(40), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    delegate_id: Mapped[int | None] = mapped_column(ForeignKey("delegates.id"))
    via: Mapped[str] = mapped_column(String(10))  # own | proxy | teller
    teller: Mapped[str | None] = mapped_column(String(80))
    vote: Mapped[dict[str, Any]] = mapped_column(JSON)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime)
    line: Mapped[str] = mapped_column(Text)
    receipt: Mapped[str] = mapped_column(String(64), index=True)
