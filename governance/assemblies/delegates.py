"""Delegates: accrediting them with a credential, re-issuing, revoking, checking them in, and
which organizations each one speaks for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from governance import errors
from governance.assemblies import credentials
from governance.assemblies.assemblies import get_assembly, require_open, subject
from governance.assemblies.credentials import IssuedCredential
from governance.assemblies.models import GENDERS, Delegate, Proxy
from governance.audit import services as audit
from governance.organizations.models import Organization
from governance.settings import Settings

PAGE_SIZE = 100
STATUSES = ("active", "present", "absent", "revoked")


@dataclass(frozen=True)
class DelegateRow:
    delegate: Delegate
    organization_name: str
    country: str
    proxies_held: int


@dataclass(frozen=True)
class DelegatePage:
    rows: list[DelegateRow]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _clean_name(name: str) -> str:
    cleaned = " ".join(str(name or "").split())
    if not 1 <= len(cleaned) <= 200:
        raise errors.InvalidInput("The delegate's name must have 1 to 200 characters.",
                                  field="name")
    return cleaned


def _organization(db: Session, organization_id: int) -> Organization:
    organization = db.get(Organization, organization_id)
    if organization is None:
        raise errors.NotFound("There is no organization number %(id)s.", id=organization_id)
    return organization


def active_delegate_of(db: Session, assembly_id: int, organization_id: int) -> Delegate | None:
    return db.scalar(select(Delegate).where(
        Delegate.assembly_id == assembly_id, Delegate.organization_id == organization_id,
        Delegate.revoked_at.is_(None)))


def active_proxy_of(db: Session, assembly_id: int, organization_id: int) -> Proxy | None:
    return db.scalar(select(Proxy).where(
        Proxy.assembly_id == assembly_id, Proxy.organization_id == organization_id,
        Proxy.revoked_at.is_(None)))


def get_delegate(db: Session, assembly_id: int, delegate_id: int) -> Delegate:
    delegate = db.get(Delegate, delegate_id)
    if delegate is None or delegate.assembly_id != assembly_id:
        raise errors.NotFound("There is no delegate number %(id)s in this assembly.",
                              id=delegate_id)
    return delegate


def active_delegate(db: Session, delegate_id: int) -> Delegate:
    """The delegate, who must still hold a valid credential."""
    delegate = db.get(Delegate, delegate_id)
    if delegate is None:
        raise errors.NotFound("There is no delegate number %(id)s.", id=delegate_id)
    if delegate.revoked_at is not None:
        raise errors.Forbidden("This delegate's credential has been revoked.",
                               code="credential_revoked")
    return delegate


def delegate_by_credential_id(db: Session, assembly_id: int, typed: str) -> Delegate:
    identifier = credentials.normalize_identifier(typed)
    delegate = None if identifier is None else db.scalar(
        select(Delegate).where(Delegate.credential_id == identifier,
                               Delegate.assembly_id == assembly_id))
    if delegate is None:
        raise errors.NotFound("No credential of this assembly starts with %(identifier)s.",
                              identifier=typed[:8])
    return delegate


def issue_credential(db: Session, settings: Settings, assembly_id: int, organization_id: int,
                     name: str, actor: str, now: datetime,
                     gender: str | None = None) -> IssuedCredential:
    """Accredit `name` as the delegate of an organization; the credential is returned once.
    `gender` only when the delegate states it (the list of speakers may alternate by it)."""
    if gender is not None and gender not in GENDERS:
        raise errors.InvalidInput("%(field)s must be one of %(allowed)s.", field="gender",
                                  allowed=", ".join(GENDERS))
    assembly = get_assembly(db, assembly_id)
    require_open(assembly)
    organization = _organization(db, organization_id)
    name = _clean_name(name)
    existing = active_delegate_of(db, assembly_id, organization_id)
    if existing is not None:
        raise errors.Conflict(
            "%(organization)s already has an active delegate, %(name)s. Re-issue that "
            "credential, or revoke it first.", code="delegate_exists",
            organization=organization.name, name=existing.name)
    proxy = active_proxy_of(db, assembly_id, organization_id)
    if proxy is not None:
        raise errors.Conflict(
            "%(organization)s has given its vote by proxy to another delegate. Revoke the "
            "proxy first.", code="proxy_given", organization=organization.name)
    identifier, credential, hashed = credentials.new_credential(db, settings)
    delegate = Delegate(assembly_id=assembly_id, organization_id=organization_id, name=name,
                        gender=gender, credential_id=identifier, credential_hash=hashed,
                        issued_at=now, issued_by=actor)
    db.add(delegate)
    try:
        db.flush()
    except IntegrityError:  # a concurrent request accredited the same organization
        raise errors.Conflict("%(organization)s already has an active delegate.",
                              code="delegate_exists", organization=organization.name) from None
    audit.record(db, actor, "credential.issue", subject(assembly_id, "delegate", delegate.id),
                 {"organization_id": organization_id, "name": name,
                  "credential_id": identifier}, now=now)
    return IssuedCredential(delegate.id, assembly_id, organization_id, name, identifier,
                            credential)


def reissue_credential(db: Session, settings: Settings, assembly_id: int, delegate_id: int,
                       actor: str, now: datetime) -> IssuedCredential:
    """A new credential for the same delegate: the old one stops working, its sessions end."""
    assembly = get_assembly(db, assembly_id)
    require_open(assembly)
    delegate = get_delegate(db, assembly_id, delegate_id)
    if delegate.revoked_at is not None:
        raise errors.Conflict("This credential was revoked; accredit the organization's "
                              "delegate again instead.", code="credential_revoked")
    old = delegate.credential_id
    credential = credentials.replace_credential(db, settings, delegate, now, actor)
    audit.record(db, actor, "credential.reissue", subject(assembly_id, "delegate", delegate.id),
                 {"old_credential_id": old, "credential_id": delegate.credential_id}, now=now)
    return IssuedCredential(delegate.id, assembly_id, delegate.organization_id, delegate.name,
                            delegate.credential_id, credential)


def revoke_credential(db: Session, assembly_id: int, delegate_id: int, actor: str,
                      now: datetime) -> Delegate:
    """Revoke: every session of the credential ends at once, and the proxies it held lapse."""
    delegate = get_delegate(db, assembly_id, delegate_id)
    if delegate.revoked_at is not None:
        raise errors.Conflict("This credential is already revoked.", code="credential_revoked")
    delegate.revoked_at, delegate.revoked_by = now, actor
    credentials.end_sessions(db, delegate.id)
    held = list(db.scalars(select(Proxy).where(Proxy.delegate_id == delegate.id,
                                               Proxy.revoked_at.is_(None))))
    for proxy in held:
        proxy.revoked_at, proxy.revoked_by = now, actor
    db.flush()
    audit.record(db, actor, "credential.revoke", subject(assembly_id, "delegate", delegate.id),
                 {"credential_id": delegate.credential_id,
                  "proxies_lapsed": [p.id for p in held]}, now=now)
    return delegate


def print_credentials(db: Session, settings: Settings, assembly_id: int, scope: str,
                      actor: str, now: datetime,
                      delegate_ids: Sequence[int] = ()) -> list[IssuedCredential]:
    """Fresh credentials for the sheets about to be printed (only hashes are kept, so printing
    issues new ones): `unprinted` delegates, `all` active ones, or the `delegate_ids` given."""
    assembly = get_assembly(db, assembly_id)
    require_open(assembly)
    query = select(Delegate).join(Organization, Organization.id == Delegate.organization_id) \
        .where(Delegate.assembly_id == assembly_id, Delegate.revoked_at.is_(None))
    if delegate_ids:
        query = query.where(Delegate.id.in_(list(delegate_ids)))
    elif scope == "unprinted":
        query = query.where(Delegate.sheet_printed_at.is_(None))
    elif scope != "all":
        raise errors.InvalidInput("%(field)s must be one of %(allowed)s.", field="scope",
                                  allowed="unprinted, all")
    delegates = list(db.scalars(query.order_by(Organization.country, Organization.name)))
    issued = []
    for delegate in delegates:
        credential = credentials.replace_credential(db, settings, delegate, now, actor)
        delegate.sheet_printed_at = now
        issued.append(IssuedCredential(delegate.id, assembly_id, delegate.organization_id,
                                       delegate.name, delegate.credential_id, credential))
    if issued:
        audit.record(db, actor, "credential.print", subject(assembly_id),
                     {"delegates": [c.delegate_id for c in issued]}, now=now)
    return issued


def list_delegates(db: Session, assembly_id: int, q: str | None = None,
                   status: str | None = None, page: int = 1,
                   page_size: int = PAGE_SIZE) -> DelegatePage:
    """Delegates with their organization, searchable by person, organization or identifier."""
    get_assembly(db, assembly_id)
    held = select(Proxy.delegate_id, func.count().label("n")).where(
        Proxy.revoked_at.is_(None), Proxy.assembly_id == assembly_id) \
        .group_by(Proxy.delegate_id).subquery()
    query = select(Delegate, Organization.name, Organization.country,
                   func.coalesce(held.c.n, 0)) \
        .join(Organization, Organization.id == Delegate.organization_id) \
        .outerjoin(held, held.c.delegate_id == Delegate.id) \
        .where(Delegate.assembly_id == assembly_id)
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        identifier = credentials.normalize_identifier(q)
        query = query.where(or_(Delegate.name.ilike(pattern, escape="\\"),
                                Organization.name.ilike(pattern, escape="\\"),
                                Delegate.credential_id == (identifier or "")))
    if status == "revoked":
        query = query.where(Delegate.revoked_at.is_not(None))
    elif status in ("active", "present", "absent"):
        query = query.where(Delegate.revoked_at.is_(None))
        if status == "present":
            query = query.where(Delegate.checked_in_at.is_not(None))
        elif status == "absent":
            query = query.where(Delegate.checked_in_at.is_(None))
    elif status:
        raise errors.InvalidInput("%(field)s must be one of %(allowed)s.", field="status",
                                  allowed=", ".join(STATUSES))
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = max(1, page)
    rows = db.execute(query.order_by(Organization.name, Delegate.id)
                      .offset((page - 1) * page_size).limit(page_size)).all()
    return DelegatePage([DelegateRow(d, name, country, int(n)) for d, name, country, n in rows],
                        total, page, page_size)


def delegate_row(db: Session, assembly_id: int, delegate_id: int) -> DelegateRow:
    delegate = get_delegate(db, assembly_id, delegate_id)
    organization = _organization(db, delegate.organization_id)
    held = db.scalar(select(func.count()).select_from(Proxy).where(
        Proxy.delegate_id == delegate.id, Proxy.revoked_at.is_(None))) or 0
    return DelegateRow(delegate, organization.name, organization.country, held)


def delegate_dict(row: DelegateRow) -> dict[str, object]:
    d = row.delegate
    return {
        "id": d.id, "assembly_id": d.assembly_id, "organization_id": d.organization_id,
        "organization_name": row.organization_name, "name": d.name,
        "credential_id": d.credential_id, "issued_at": d.issued_at.isoformat(),
        "revoked_at": d.revoked_at.isoformat() if d.revoked_at else None,
        "checked_in_at": d.checked_in_at.isoformat() if d.checked_in_at else None,
        "proxies_held": row.proxies_held,
    }


@dataclass(frozen=True)
class Summary:
    delegates: int
    present: int
    revoked: int
    proxies: int


def summary(db: Session, assembly_id: int) -> Summary:
    """Counts for the assembly's page."""
    def count(*where: object) -> int:
        return db.scalar(select(func.count()).select_from(Delegate).where(
            Delegate.assembly_id == assembly_id, *where)) or 0  # type: ignore[arg-type]

    proxies = db.scalar(select(func.count()).select_from(Proxy).where(
        Proxy.assembly_id == assembly_id, Proxy.revoked_at.is_(None))) or 0
    return Summary(count(Delegate.revoked_at.is_(None)),
                   count(Delegate.revoked_at.is_(None), Delegate.checked_in_at.is_not(None)),
                   count(Delegate.revoked_at.is_not(None)), proxies)


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


def unrepresented_organizations(db: Session, assembly_id: int,
                                active_only: bool = False) -> list[Choice]:
    """Organizations with neither an active delegate nor an active proxy in this assembly: the
    ones a delegate can be accredited for (or, `active_only`, that can give a proxy)."""
    with_delegate = select(Delegate.organization_id).where(
        Delegate.assembly_id == assembly_id, Delegate.revoked_at.is_(None))
    with_proxy = select(Proxy.organization_id).where(
        Proxy.assembly_id == assembly_id, Proxy.revoked_at.is_(None))
    query = select(Organization.id, Organization.name, Organization.country).where(
        Organization.id.not_in(with_delegate), Organization.id.not_in(with_proxy))
    if active_only:
        query = query.where(Organization.standing == "active")
    rows = db.execute(query.order_by(Organization.name, Organization.id)).all()
    return [Choice(i, f"{name} ({country})") for i, name, country in rows]


def proxy_holders(db: Session, assembly_id: int, limit: int) -> list[Choice]:
    """Active delegates that may still take a proxy under the assembly's limit."""
    held = select(Proxy.delegate_id, func.count().label("n")).where(
        Proxy.revoked_at.is_(None), Proxy.assembly_id == assembly_id) \
        .group_by(Proxy.delegate_id).subquery()
    rows = db.execute(
        select(Delegate.id, Delegate.name, Organization.name)
        .join(Organization, Organization.id == Delegate.organization_id)
        .outerjoin(held, held.c.delegate_id == Delegate.id)
        .where(Delegate.assembly_id == assembly_id, Delegate.revoked_at.is_(None),
               func.coalesce(held.c.n, 0) < limit)
        .order_by(Delegate.name, Delegate.id)).all()
    return [Choice(i, f"{name} — {org}") for i, name, org in rows]


def unprinted_count(db: Session, assembly_id: int) -> int:
    return db.scalar(select(func.count()).select_from(Delegate).where(
        Delegate.assembly_id == assembly_id, Delegate.revoked_at.is_(None),
        Delegate.sheet_printed_at.is_(None))) or 0
