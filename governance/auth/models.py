from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from governance.db import Base, UTCDateTime, utcnow


class StaffUser(Base):
    """A person who runs the assembly: secretariat (admin), board, credentials committee, auditor."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoginSession(Base):
    """A server-side session. Only the SHA-256 of its random token is stored, so a copy of the
    database does not let anyone in, and deleting the row ends the session on every worker."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    # A delegate's session; revoking or re-issuing the credential deletes these rows.
    delegate_id: Mapped[int | None] = mapped_column(
        ForeignKey("delegates.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuthAttempt(Base):
    """Every login attempt, kept for the audit log and for throttling guessers."""

    __tablename__ = "auth_attempts"
    __table_args__ = (
        Index("ix_auth_attempts_account_at", "account", "at"),
        Index("ix_auth_attempts_client_at", "client", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))  # password | credential
    account: Mapped[str] = mapped_column(String(120))
    client: Mapped[str] = mapped_column(String(64))
    success: Mapped[bool] = mapped_column(Boolean)
