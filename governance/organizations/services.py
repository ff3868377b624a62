"""The member registry: listing, reading, creating, updating and importing organizations."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance import errors
from governance.audit import services as audit
from governance.organizations import importer
from governance.organizations.countries import REGION_OF, country_code
from governance.organizations.models import (
    KINDS,
    REGIONS,
    STANDINGS,
    Organization,
    ProductNetwork,
)

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class RegistryFilter:
    country: str | None = None
    platform: str | None = None
    network: str | None = None
    standing: str | None = None
    q: str | None = None


@dataclass(frozen=True)
class RegistryPage:
    organizations: list[Organization]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class ImportReport:
    imported: int
    updated: int
    rejected: list[importer.RowError]


def list_organizations(
    db: Session, filters: RegistryFilter, page: int = 1, page_size: int = PAGE_SIZE
) -> RegistryPage:
    page = max(1, page)
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    query = select(Organization)
    if filters.country:
        query = query.where(Organization.country == filters.country)
    if filters.platform:
        query = query.where(Organization.platform == filters.platform)
    if filters.standing:
        query = query.where(Organization.standing == filters.standing)
    if filters.network:
        query = query.where(Organization.networks.any(ProductNetwork.name == filters.network))
    if filters.q:
        escaped = filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Organization.name.ilike(f"%{escaped}%", escape="\\"))
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.scalars(
        query.order_by(Organization.name, Organization.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return RegistryPage(list(rows), total, page, page_size)


def facets(db: Session) -> dict[str, list[str]]:
    """The values the list can be filtered by, as they occur in the registry."""
    return {
        "countries": list(db.scalars(select(Organization.country).distinct()
                                     .order_by(Organization.country))),
        "platforms": list(db.scalars(select(Organization.platform)
                                     .where(Organization.platform.is_not(None)).distinct()
                                     .order_by(Organization.platform))),
        "networks": list(db.scalars(select(ProductNetwork.name).order_by(ProductNetwork.name))),
        "standings": list(STANDINGS),
    }


def get_organization(db: Session, organization_id: int) -> Organization:
    organization = db.get(Organization, organization_id)
    if organization is None:
        raise errors.NotFound("There is no organization number %(id)s.", id=organization_id)
    return organization


def _networks(db: Session, names: list[str] | tuple[str, ...]) -> list[ProductNetwork]:
    # Compared case-insensitively in Python: SQLite's lower() knows only ASCII, so "Café"
    # stored and "CAFÉ" asked were different there, and the second insert broke the unique name.
    known = {n.name.casefold(): n for n in db.scalars(select(ProductNetwork))}
    found: list[ProductNetwork] = []
    for name in names:
        network = known.get(name.casefold())
        if network is None:
            network = known[name.casefold()] = ProductNetwork(name=name)
            db.add(network)
        if network not in found:
            found.append(network)
    return found


def _clean(fields: dict[str, Any], partial: bool) -> dict[str, Any]:
    """Check API/form fields; the same rules as a CSV row."""
    out: dict[str, Any] = {}
    if "name" in fields or not partial:
        name = " ".join(str(fields.get("name") or "").split())
        if not name or len(name) > 200:
            raise errors.InvalidInput("The name must have 1 to 200 characters.", field="name")
        if name[0] in "=+-@":
            raise errors.InvalidInput("The name cannot start with %(char)s.", field="name",
                                      char=name[0])
        out["name"] = name
    if "country" in fields or not partial:
        code = country_code(str(fields.get("country") or ""))
        if code is None:
            raise errors.InvalidInput("Unknown country %(country)s.", field="country",
                                      country=str(fields.get("country")))
        out["country"] = code
    if "members" in fields or not partial:
        members = fields.get("members")
        if not isinstance(members, int) or isinstance(members, bool) or not 0 <= members <= 10**7:
            raise errors.InvalidInput("Members must be a whole number from 0 to 10,000,000.",
                                      field="members")
        out["members"] = members
    for name, allowed in (("kind", KINDS), ("standing", STANDINGS), ("region", REGIONS)):
        if fields.get(name) is not None:
            if fields[name] not in allowed:
                raise errors.InvalidInput("%(field)s must be one of %(allowed)s.", field=name,
                                          allowed=", ".join(allowed))
            out[name] = fields[name]
    if "platform" in fields:
        out["platform"] = (str(fields["platform"] or "").strip() or None)
    if "networks" in fields:
        out["networks"] = sorted({" ".join(str(n).split()) for n in fields["networks"] or []
                                  if str(n).strip()})
    return out


def _apply(db: Session, organization: Organization, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if key == "networks":
            organization.networks = _networks(db, value)
        else:
            setattr(organization, key, value)
    if organization.region is None:
        organization.region = REGION_OF.get(organization.country)


def _ensure_unique(db: Session, name: str, country: str, except_id: int | None = None) -> None:
    query = select(Organization.id).where(Organization.name == name,
                                          Organization.country == country)
    existing = db.scalar(query)
    if existing is not None and existing != except_id:
        raise errors.Conflict("%(name)s (%(country)s) is already in the registry.",
                              name=name, country=country)


def create_organization(db: Session, fields: dict[str, Any],
                        actor: str = "system") -> Organization:
    values = _clean(fields, partial=False)
    _ensure_unique(db, values["name"], values["country"])
    organization = Organization(kind="small_producer", standing="active")
    db.add(organization)
    _apply(db, organization, values)
    db.flush()
    audit.record(db, actor, "organization.create", f"organization:{organization.id}",
                 _audited(values))
    return organization


def update_organization(db: Session, organization_id: int, fields: dict[str, Any],
                        actor: str = "system") -> Organization:
    organization = get_organization(db, organization_id)
    values = _clean(fields, partial=True)
    _ensure_unique(db, values.get("name", organization.name),
                   values.get("country", organization.country), organization.id)
    _apply(db, organization, values)
    db.flush()
    audit.record(db, actor, "organization.update", f"organization:{organization.id}",
                 _audited(values))
    return organization


def _audited(values: dict[str, Any]) -> dict[str, Any]:
    """The values as the trail keeps them (plain JSON)."""
    return {k: list(v) if isinstance(v, tuple | list) else v for k, v in values.items()}


def import_organizations(db: Session, raw: bytes, actor: str = "system") -> ImportReport:
    """Create or update (matched by name and country) every good row, in one transaction."""
    try:
        rows, rejected = importer.parse(raw)
    except importer.ImportFileError as exc:
        raise errors.InvalidInput(exc.message, code="bad_file", **exc.params) from None
    existing = {
        (o.name.casefold(), o.country): o for o in db.scalars(select(Organization)).all()
    }
    imported = updated = 0
    for row in rows:
        organization = existing.get((row.name.casefold(), row.country))
        if organization is None:
            organization = Organization()
            db.add(organization)
            imported += 1
        else:
            updated += 1
        values: dict[str, Any] = {
            "name": row.name, "country": row.country, "members": row.members,
            "kind": row.kind, "standing": row.standing, "region": row.region,
            "platform": row.platform,
        }
        if row.networks:
            values["networks"] = list(row.networks)
        _apply(db, organization, values)
    db.flush()
    # One entry per import: the file is named by its SHA-256, so the committee's copy of it
    # shows exactly what changed the registry.
    audit.record(db, actor, "organization.import", "registry",
                 {"sha256": hashlib.sha256(raw).hexdigest(), "bytes": len(raw),
                  "imported": imported, "updated": updated, "rejected": len(rejected)})
    return ImportReport(imported, updated, rejected)


def to_dict(organization: Organization) -> dict[str, Any]:
    return {
        "id": organization.id,
        "name": organization.name,
        "country": organization.country,
        "platform": organization.platform,
        "region": organization.region,
        "kind": organization.kind,
        "members": organization.members,
        "standing": organization.standing,
        "networks": [n.name for n in organization.networks],
        "updated_at": organization.updated_at.isoformat() if organization.updated_at else None,
    }
