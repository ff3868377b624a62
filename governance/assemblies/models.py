"""Assemblies, their delegates and credentials, proxies and the frozen roll."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from governance.db import Base, UTCDateTime, utcnow

KINDS = ("ordinary", "extraordinary", "board", "platform", "other")
STATES = ("planned", "accreditation", "in_session", "closed")
QUORUM_MODES = ("and", "or")
GENDERS = ("woman", "man", "other")

# One active delegate per organization and assembly, and one active proxy per organization:
# partial unique indexes keep that true under concurrent requests, on SQLite and PostgreSQL.
_ACTIVE = text("revoked_at IS NULL")


class Assembly(Base):
    """A General Assembly, or a meeting of any body that votes, with its statutes' rules."""

    __tablename__ = "assemblies"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="ordinary")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="America/Lima")
    state: Mapped[str] = mapped_column(String(20), default="planned", index=True)
    weighting: Mapped[dict[str, Any]] = mapped_column(JSON)  # ballots.weights.Weighting.to_dict()
    proxy_limit: Mapped[int] = mapped_column(Integer, default=1)
    quorum_weight_pct: Mapped[int] = mapped_column(Integer, default=50)
    quorum_orgs_pct: Mapped[int] = mapped_column(Integer, default=0)
    quorum_mode: Mapped[str] = mapped_column(String(3), default="and")
    self_check_in: Mapped[bool] = mapped_column(Boolean, default=False)
    poll_defaults: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    roll_frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Delegate(Base):
    """A person accredited by an organization to one assembly, and its credential.

    The credential is `credential_id` (public, printed, found by index) followed by a secret;
    only the Argon2id hash of the whole normalized credential is kept.
    """

    __tablename__ = "delegates"
    __table_args__ = (
        Index("uq_delegates_active_organization", "assembly_id", "organization_id",
              unique=True, sqlite_where=_ACTIVE, postgresql_where=_ACTIVE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # Recorded only when the delegate states it: the list of speakers may alternate by it.
    gender: Mapped[str | None] = mapped_column(String(20))
    credential_id: Mapped[str] = mapped_column(String(8), unique=True, index=True)
    credential_hash: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(120), default="")
    sheet_printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(120))
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_by: Mapped[str | None] = mapped_column(String(120))

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Proxy(Base):
    """An organization giving its vote to the delegate of another organization.

    Rows are never deleted: revoked ones stay as the history auditors read.
    """

    __tablename__ = "proxies"
    __table_args__ = (
        Index("uq_proxies_active_organization", "assembly_id", "organization_id",
              unique=True, sqlite_where=_ACTIVE, postgresql_where=_ACTIVE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("delegates.id"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    granted_by: Mapped[str] = mapped_column(String(120))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(120))
    letter_filename: Mapped[str | None] = mapped_column(String(200))
    letter_sha256: Mapped[str | None] = mapped_column(String(64))
    letter_content_type: Mapped[str | None] = mapped_column(String(40))
    letter_size: Mapped[int | None] = mapped_column(Integer)

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class VotingRight(Base):
    """One organization's right to vote in one assembly, frozen with the roll.

    `weight` and `members` are copies taken when the roll was frozen, and so are the name and
    country: later registry edits never change a frozen roll.
    """

    __tablename__ = "voting_rights"
    __table_args__ = (
        UniqueConstraint("assembly_id", "organization_id",
                         name="uq_voting_rights_assembly_organization"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    weight: Mapped[int] = mapped_column(Integer)
    members: Mapped[int] = mapped_column(Integer)
    organization_name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
