"""Presence: checking delegates in and out, and which organizations each delegate speaks for
and which are present."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance import errors
from governance.assemblies.assemblies import get_assembly, require_check_in_open, subject
from governance.assemblies.delegates import active_delegate, get_delegate
from governance.assemblies.models import Delegate, Proxy
from governance.audit import services as audit
from governance.organizations.models import Organization


@dataclass(frozen=True)
class Represented:
    """An organization a delegate votes for: its own, or one whose proxy it holds."""

    organization_id: int
    organization_name: str
    via_proxy: bool


# --- check-in -------------------------------------------------------------------------------


def check_in(db: Session, assembly_id: int, delegate_id: int, actor: str,
             now: datetime) -> Delegate:
    """Mark the delegate present. Checking in twice changes nothing."""
    assembly = get_assembly(db, assembly_id)
    require_check_in_open(assembly)
    delegate = get_delegate(db, assembly_id, delegate_id)
    if delegate.revoked_at is not None:
        raise errors.Conflict("This credential is revoked; it cannot be checked in.",
                              code="credential_revoked")
    if delegate.checked_in_at is None:
        delegate.checked_in_at, delegate.checked_in_by = now, actor
        db.flush()
        action = "delegate.self_check_in" if actor.startswith("delegate:") else "delegate.check_in"
        audit.record(db, actor, action, subject(assembly_id, "delegate", delegate.id),
                     {"organization_id": delegate.organization_id}, now=now)
    return delegate


def check_out(db: Session, assembly_id: int, delegate_id: int, actor: str,
              now: datetime) -> Delegate:
    """The delegate left: no longer present, so no longer counted for quorum."""
    get_assembly(db, assembly_id)
    delegate = get_delegate(db, assembly_id, delegate_id)
    if delegate.checked_in_at is not None:
        delegate.checked_in_at, delegate.checked_in_by = None, None
        db.flush()
        audit.record(db, actor, "delegate.check_out", subject(assembly_id, "delegate", delegate.id),
                     {"organization_id": delegate.organization_id}, now=now)
    return delegate


def self_check_in(db: Session, delegate_id: int, now: datetime) -> Delegate:
    delegate = active_delegate(db, delegate_id)
    assembly = get_assembly(db, delegate.assembly_id)
    if not assembly.self_check_in:
        raise errors.Forbidden("In this assembly the credentials committee checks delegates in. "
                               "Go to its desk.", code="no_self_check_in")
    return check_in(db, assembly.id, delegate.id, f"delegate:{delegate.id}", now)


# --- who speaks for whom --------------------------------------------------------------------


def represented_organizations(db: Session, delegate_id: int) -> list[Represented]:
    """The delegate's own organization first, then those whose active proxy it holds."""
    delegate = active_delegate(db, delegate_id)
    # Only the id and name: loading the whole organization would also load its networks.
    own = db.execute(select(Organization.id, Organization.name)
                     .where(Organization.id == delegate.organization_id)).first()
    if own is None:  # organizations are never deleted while delegates point at them
        raise errors.NotFound("There is no organization number %(id)s.",
                              id=delegate.organization_id)
    rows = db.execute(
        select(Organization.id, Organization.name)
        .join(Proxy, Proxy.organization_id == Organization.id)
        .where(Proxy.delegate_id == delegate.id, Proxy.revoked_at.is_(None))
        .order_by(Organization.name)).all()
    return [Represented(own.id, own.name, False),
            *(Represented(org_id, name, True) for org_id, name in rows)]


def entitlements(db: Session, delegate: Delegate) -> dict[int, bool]:
    """Organization id → whether by proxy, for every organization the (active) delegate votes
    for: `represented_organizations` without names or order, in one query, for the ballot
    box's hot path."""
    held = db.scalars(select(Proxy.organization_id).where(
        Proxy.delegate_id == delegate.id, Proxy.revoked_at.is_(None)))
    return {delegate.organization_id: False, **dict.fromkeys(held, True)}


def present_organization_ids(db: Session, assembly_id: int) -> set[int]:
    """Organizations present: their own delegate is checked in, or a checked-in delegate holds
    their active proxy."""
    own = select(Delegate.organization_id).where(
        Delegate.assembly_id == assembly_id, Delegate.revoked_at.is_(None),
        Delegate.checked_in_at.is_not(None))
    by_proxy = select(Proxy.organization_id).join(Delegate, Delegate.id == Proxy.delegate_id) \
        .where(Proxy.assembly_id == assembly_id, Proxy.revoked_at.is_(None),
               Delegate.revoked_at.is_(None), Delegate.checked_in_at.is_not(None))
    return set(db.scalars(own)) | set(db.scalars(by_proxy))
