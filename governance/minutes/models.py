"""The signed minutes (acta) of an assembly and the co-signatures of its president and
secretary."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from governance.db import Base, UTCDateTime, utcnow


class Minutes(Base):
    """One drawing-up of an assembly's minutes: the documents, the statement (minutes.json,
    naming their SHA-256) and its signature by the assembly key. The latest is published."""

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    statement: Mapped[str] = mapped_column(Text)  # RFC 8785 bytes as text
    signature: Mapped[str] = mapped_column(String(100))  # base64
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    html: Mapped[str] = mapped_column(Text)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))


class MinutesCosignature(Base):
    """A co-signature of minutes.json by the president, the secretary or another officer."""

    __tablename__ = "minutes_cosignatures"
    __table_args__ = (UniqueConstraint("minutes_id", "name",
                                       name="uq_minutes_cosignatures_minutes_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    public_key_pem: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(100))
    uploaded_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
