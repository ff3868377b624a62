from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.db import Base, UTCDateTime, utcnow

KINDS = ("small_producer", "workers")
STANDINGS = ("active", "suspended", "arrears")
REGIONS = ("central_america_mexico", "caribbean", "andean", "southern_cone")

organization_networks = Table(
    "organization_networks",
    Base.metadata,
    Column("organization_id", ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
    Column("network_id", ForeignKey("product_networks.id", ondelete="CASCADE"), primary_key=True),
)


class ProductNetwork(Base):
    """A Product Network (coffee, honey, cocoa…) or the Workers Network."""

    __tablename__ = "product_networks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)


class Organization(Base):
    """A member organization: the voter. People only ever act for it."""

    __tablename__ = "organizations"
    __table_args__ = (UniqueConstraint("name", "country", name="uq_organizations_name_country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2), index=True)  # ISO 3166-1 alpha-2
    platform: Mapped[str | None] = mapped_column(String(120), index=True)  # Country Platform
    region: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20), default="small_producer")
    members: Mapped[int] = mapped_column(Integer)  # families or workers
    standing: Mapped[str] = mapped_column(String(20), default="active", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    networks: Mapped[list[ProductNetwork]] = relationship(
        secondary=organization_networks, order_by=ProductNetwork.name, lazy="selectin"
    )
