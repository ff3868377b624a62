"""Proxies: an organization gives its vote to the delegate of another organization, up to the
assembly's limit per delegate. Grants and revocations are kept as history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from governance import errors
from governance.assemblies import letters
from governance.assemblies.assemblies import get_assembly, require_open, subject
from governance.assemblies.delegates import active_delegate_of, active_proxy_of
from governance.assemblies.models import Delegate, Proxy, VotingRight
from governance.audit import services as audit
from governance.organizations.models import Organization
from governance.settings import Settings


@dataclass(frozen=True)
class ProxyRow:
    proxy: Proxy
    organization_name: str
    holder_name: str
    holder_organization_name: str


def get_proxy(db: Session, assembly_id: int, proxy_id: int) -> Proxy:
    proxy = db.get(Proxy, proxy_id)
    if proxy is None or proxy.assembly_id != assembly_id:
        raise errors.NotFound("There is no proxy number %(id)s in this assembly.", id=proxy_id)
    return proxy


def _may_give_vote(db: Session, assembly_id: int, organization: Organization,
                   frozen: bool) -> None:
    if frozen:
        has_right = db.scalar(select(VotingRight.id).where(
            VotingRight.assembly_id == assembly_id,
            VotingRight.organization_id == organization.id))
        if has_right is None:
            raise errors.Conflict("%(organization)s has no voting right on the frozen roll, so "
                                  "it has no vote to give.", code="no_voting_right",
                                  organization=organization.name)
    elif organization.standing != "active":
        raise errors.Conflict("%(organization)s is not in good standing, so it has no vote to "
                              "give.", code="no_voting_right", organization=organization.name)


def grant_proxy(db: Session, settings: Settings, assembly_id: int, organization_id: int,
                delegate_id: int, actor: str, now: datetime,
                letter: tuple[bytes, str] | None = None) -> Proxy:
    """`organization_id` gives its vote to the delegate `delegate_id` of another organization.
    `letter` is the optional uploaded letter (bytes, file name)."""
    assembly = get_assembly(db, assembly_id)
    require_open(assembly)
    organization = db.get(Organization, organization_id)
    if organization is None:
        raise errors.NotFound("There is no organization number %(id)s.", id=organization_id)
    # Locking the holder makes concurrent grants to the same delegate count one after another.
    holder = db.scalar(select(Delegate).where(Delegate.id == delegate_id).with_for_update())
    if holder is None or holder.assembly_id != assembly_id:
        raise errors.NotFound("There is no delegate number %(id)s in this assembly.",
                              id=delegate_id)
    if holder.revoked_at is not None:
        raise errors.Conflict("This delegate's credential is revoked; it cannot hold proxies.",
                              code="credential_revoked")
    if holder.organization_id == organization_id:
        raise errors.Conflict("A delegate already votes for its own organization; a proxy goes "
                              "to the delegate of another organization.", code="own_organization")
    _may_give_vote(db, assembly_id, organization, assembly.roll_frozen_at is not None)
    own = active_delegate_of(db, assembly_id, organization_id)
    if own is not None:
        raise errors.Conflict("%(organization)s has its own delegate, %(name)s. Revoke that "
                              "credential before giving its vote by proxy.", code="delegate_exists",
                              organization=organization.name, name=own.name)
    if active_proxy_of(db, assembly_id, organization_id) is not None:
        raise errors.Conflict("%(organization)s has already given its vote by proxy. Revoke that "
                              "proxy first.", code="proxy_given", organization=organization.name)
    if assembly.proxy_limit == 0:
        raise errors.Conflict("This assembly does not allow proxies.", code="proxy_limit")
    held = db.scalar(select(func.count()).select_from(Proxy).where(
        Proxy.delegate_id == holder.id, Proxy.revoked_at.is_(None))) or 0
    if held >= assembly.proxy_limit:
        raise errors.Conflict(
            "%(name)s already holds %(limit)s proxies, the most this assembly allows per "
            "delegate. Choose another delegate.", code="proxy_limit",
            name=holder.name, limit=assembly.proxy_limit)
    proxy = Proxy(assembly_id=assembly_id, organization_id=organization_id,
                  delegate_id=holder.id, granted_at=now, granted_by=actor)
    checked = None
    if letter is not None:
        checked = letters.check(*letter)
        letters.store(settings.data_dir, checked, letter[0])
        _attach(proxy, checked)
    db.add(proxy)
    try:
        db.flush()
    except IntegrityError:  # a concurrent request recorded a proxy for the same organization
        raise errors.Conflict("%(organization)s has already given its vote by proxy. Revoke that "
                              "proxy first.", code="proxy_given",
                              organization=organization.name) from None
    audit.record(db, actor, "proxy.grant", subject(assembly_id, "proxy", proxy.id),
                 {"organization_id": organization_id, "delegate_id": holder.id,
                  "letter_sha256": checked.sha256 if checked else None}, now=now)
    return proxy


def _attach(proxy: Proxy, letter: letters.Letter) -> None:
    proxy.letter_filename, proxy.letter_sha256 = letter.filename, letter.sha256
    proxy.letter_content_type, proxy.letter_size = letter.content_type, letter.size


def attach_letter(db: Session, settings: Settings, assembly_id: int, proxy_id: int, raw: bytes,
                  filename: str, actor: str, now: datetime) -> Proxy:
    """Add (or replace) the letter of a proxy; the earlier file stays, named by its hash."""
    require_open(get_assembly(db, assembly_id))
    proxy = get_proxy(db, assembly_id, proxy_id)
    checked = letters.check(raw, filename)
    letters.store(settings.data_dir, checked, raw)
    before = proxy.letter_sha256
    _attach(proxy, checked)
    db.flush()
    audit.record(db, actor, "proxy.letter", subject(assembly_id, "proxy", proxy.id),
                 {"letter_sha256": checked.sha256, "replaces": before}, now=now)
    return proxy


def revoke_proxy(db: Session, assembly_id: int, proxy_id: int, actor: str,
                 now: datetime) -> Proxy:
    require_open(get_assembly(db, assembly_id))
    proxy = get_proxy(db, assembly_id, proxy_id)
    if proxy.revoked_at is not None:
        raise errors.Conflict("This proxy is already revoked.", code="proxy_revoked")
    proxy.revoked_at, proxy.revoked_by = now, actor
    db.flush()
    audit.record(db, actor, "proxy.revoke", subject(assembly_id, "proxy", proxy.id),
                 {"organization_id": proxy.organization_id, "delegate_id": proxy.delegate_id},
                 now=now)
    return proxy


def list_proxies(db: Session, assembly_id: int) -> list[ProxyRow]:
    """Every proxy of the assembly, revoked ones included: the history auditors read."""
    get_assembly(db, assembly_id)
    giver = aliased(Organization)
    holder_org = aliased(Organization)
    rows = db.execute(
        select(Proxy, giver.name, Delegate.name, holder_org.name)
        .join(giver, giver.id == Proxy.organization_id)
        .join(Delegate, Delegate.id == Proxy.delegate_id)
        .join(holder_org, holder_org.id == Delegate.organization_id)
        .where(Proxy.assembly_id == assembly_id)
        .order_by(Proxy.granted_at.desc(), Proxy.id.desc())).all()
    return [ProxyRow(p, g, h, ho) for p, g, h, ho in rows]


def proxy_dict(row: ProxyRow) -> dict[str, object]:
    p = row.proxy
    return {
        "id": p.id, "assembly_id": p.assembly_id, "organization_id": p.organization_id,
        "organization_name": row.organization_name, "delegate_id": p.delegate_id,
        "delegate_name": row.holder_name, "granted_at": p.granted_at.isoformat(),
        "granted_by": p.granted_by,
        "revoked_at": p.revoked_at.isoformat() if p.revoked_at else None,
        "revoked_by": p.revoked_by,
        "letter": None if p.letter_sha256 is None else {
            "filename": p.letter_filename, "sha256": p.letter_sha256,
            "content_type": p.letter_content_type, "size": p.letter_size},
    }
