"""The roll: one voting right per organization in good standing, with its weight under the
assembly's scheme, frozen once so that registry edits never change it; presence and quorum."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ballots.weights import weight_of
from governance import errors
from governance.assemblies.assemblies import (
    FREEZE_STATES,
    get_assembly,
    lock_assembly,
    subject,
    weighting_of,
)
from governance.assemblies.models import Assembly, VotingRight
from governance.assemblies.presence import present_organization_ids
from governance.audit import services as audit
from governance.organizations.models import Organization, ProductNetwork, organization_networks

OTHERS = "…"
TOP_ORGANIZATIONS = 10


@dataclass(frozen=True)
class RollRow:
    organization_id: int
    organization_name: str
    country: str
    weight: int
    present: bool


@dataclass(frozen=True)
class Quorum:
    total_weight: int
    present_weight: int
    organizations: int
    present_organizations: int
    weight_pct: int
    orgs_pct: int
    mode: str

    @property
    def weight_met(self) -> bool:
        # Integers only: present/total ≥ pct/100, cross-multiplied.
        return self.present_weight * 100 >= self.weight_pct * self.total_weight

    @property
    def orgs_met(self) -> bool:
        return self.present_organizations * 100 >= self.orgs_pct * self.organizations

    @property
    def met(self) -> bool:
        if self.mode == "or":
            return self.weight_met or self.orgs_met
        return self.weight_met and self.orgs_met

    @property
    def present_weight_share(self) -> float:  # for display only
        return self.present_weight / self.total_weight if self.total_weight else 0.0

    @property
    def present_orgs_share(self) -> float:  # for display only
        return self.present_organizations / self.organizations if self.organizations else 0.0


@dataclass(frozen=True)
class Share:
    label: str
    weight: int
    share: float  # for display only; tallies use integer weights


def freeze_roll(db: Session, assembly_id: int, actor: str, now: datetime) -> list[VotingRight]:
    """Snapshot one voting right per organization in good standing ("active"), with its weight.
    Allowed once, during accreditation or the session."""
    assembly = lock_assembly(db, assembly_id)
    if assembly.roll_frozen_at is not None:
        raise errors.Conflict("The roll of this assembly is already frozen; it cannot be frozen "
                              "again.", code="roll_frozen")
    if assembly.state not in FREEZE_STATES:
        raise errors.Conflict("The roll can be frozen only during accreditation or the session.",
                              code="bad_state")
    weighting = weighting_of(assembly)
    rights = [
        VotingRight(assembly_id=assembly.id, organization_id=org.id, members=org.members,
                    weight=weight_of(org.members, weighting), organization_name=org.name,
                    country=org.country)
        for org in db.scalars(select(Organization).where(Organization.standing == "active")
                              .order_by(Organization.id))
    ]
    db.add_all(rights)
    assembly.roll_frozen_at = now
    db.flush()
    audit.record(db, actor, "roll.freeze", subject(assembly.id),
                 {"voting_rights": len(rights), "total_weight": sum(r.weight for r in rights),
                  "weighting": weighting.to_dict()}, now=now)
    return rights


def roll(db: Session, assembly_id: int) -> list[RollRow]:
    """The frozen roll with today's presence; Conflict when it is not frozen yet."""
    assembly = get_assembly(db, assembly_id)
    if assembly.roll_frozen_at is None:
        raise errors.Conflict("The roll of this assembly is not frozen yet.",
                              code="roll_not_frozen")
    present = present_organization_ids(db, assembly_id)
    rights = db.scalars(select(VotingRight).where(VotingRight.assembly_id == assembly_id)
                        .order_by(VotingRight.organization_name, VotingRight.organization_id))
    return [RollRow(r.organization_id, r.organization_name, r.country, r.weight,
                    r.organization_id in present) for r in rights]


def preview(db: Session, assembly_id: int) -> list[RollRow]:
    """What freezing now would give, from today's registry; nothing is stored."""
    assembly = get_assembly(db, assembly_id)
    weighting = weighting_of(assembly)
    present = present_organization_ids(db, assembly_id)
    organizations = db.scalars(select(Organization).where(Organization.standing == "active")
                               .order_by(Organization.name, Organization.id))
    return [RollRow(o.id, o.name, o.country, weight_of(o.members, weighting), o.id in present)
            for o in organizations]


def current_roll(db: Session, assembly_id: int) -> tuple[list[RollRow], bool]:
    """The frozen roll, or the preview before freezing; and whether it is frozen."""
    assembly = get_assembly(db, assembly_id)
    if assembly.roll_frozen_at is not None:
        return roll(db, assembly_id), True
    return preview(db, assembly_id), False


def quorum(assembly: Assembly, rows: list[RollRow]) -> Quorum:
    return Quorum(
        total_weight=sum(r.weight for r in rows),
        present_weight=sum(r.weight for r in rows if r.present),
        organizations=len(rows),
        present_organizations=sum(1 for r in rows if r.present),
        weight_pct=assembly.quorum_weight_pct,
        orgs_pct=assembly.quorum_orgs_pct,
        mode=assembly.quorum_mode,
    )


def _shares(weights: dict[str, int], total: int) -> list[Share]:
    ordered = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
    return [Share(label, weight, weight / total if total else 0.0) for label, weight in ordered]


def weight_shares(db: Session, rows: list[RollRow]) -> dict[str, list[Share]]:
    """Shares of the total weight by organization (the largest, then the rest together), by
    country, and by Product Network (an organization in several networks counts in each)."""
    total = sum(r.weight for r in rows)
    ranked = sorted(rows, key=lambda r: (-r.weight, r.organization_name))
    by_org = {r.organization_name: r.weight for r in ranked[:TOP_ORGANIZATIONS]}
    rest = sum(r.weight for r in ranked[TOP_ORGANIZATIONS:])
    organizations = _shares(by_org, total)
    if rest:
        organizations.append(Share(OTHERS, rest, rest / total))
    by_country: dict[str, int] = defaultdict(int)
    for r in rows:
        by_country[r.country] += r.weight
    weights = {r.organization_id: r.weight for r in rows}
    by_network: dict[str, int] = defaultdict(int)
    pairs = db.execute(select(organization_networks.c.organization_id, ProductNetwork.name)
                       .join(ProductNetwork,
                             ProductNetwork.id == organization_networks.c.network_id)).all()
    for organization_id, network in pairs:
        if organization_id in weights:
            by_network[network] += weights[organization_id]
    return {"organization": organizations, "country": _shares(dict(by_country), total),
            "network": _shares(dict(by_network), total)}


def roll_dict(assembly: Assembly, rows: list[RollRow]) -> dict[str, object]:
    status = quorum(assembly, rows)
    return {
        "assembly_id": assembly.id,
        "frozen_at": assembly.roll_frozen_at.isoformat() if assembly.roll_frozen_at else None,
        "voting_rights": [{"organization_id": r.organization_id, "weight": r.weight,
                           "present": r.present, "organization_name": r.organization_name,
                           "country": r.country} for r in rows],
        "total_weight": status.total_weight,
        "present_weight": status.present_weight,
        "organizations": status.organizations,
        "present_organizations": status.present_organizations,
        "quorum": {"weight_pct": status.weight_pct, "orgs_pct": status.orgs_pct,
                   "mode": status.mode, "weight_met": status.weight_met,
                   "orgs_met": status.orgs_met, "met": status.met},
    }
