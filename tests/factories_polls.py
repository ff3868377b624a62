"""An assembly in session with a frozen roll, delegates checked in and proxies, and polls on it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from governance.assemblies import services as assemblies
from governance.db import utcnow
from governance.polls import services as polls
from governance.results import keys
from governance.settings import Settings
from tests.factories import make_organization

ACTOR = "staff:tests"


@dataclass
class Delegation:
    delegate_id: int
    organization_id: int
    credential: str
    members: int


@dataclass
class Session_:
    assembly_id: int
    delegations: list[Delegation]
    proxies: dict[int, int] = field(default_factory=dict)  # giver organization -> holder delegate
    members_of: dict[int, int] = field(default_factory=dict)  # organization -> members


def assembly_in_session(
    db: Session,
    settings: Settings,
    members: list[int],
    *,
    absent: tuple[int, ...] = (),
    proxies: list[tuple[int, int]] | None = None,
    weighting: dict[str, Any] | None = None,
    proxy_limit: int = 2,
    quorum_weight_pct: int = 0,
    extra_organizations: list[dict[str, Any]] | None = None,
) -> Session_:
    """One organization and one delegate per entry of `members`; the delegates at the indexes
    in `absent` are not checked in. `proxies` lists (members, holder index): organizations
    without a delegate of their own that give their vote to a present delegate."""
    now = utcnow()
    assembly = assemblies.create_assembly(db, {
        "title": "Asamblea de prueba", "starts_at": now.isoformat(),
        "weighting": weighting or {"scheme": "members"}, "proxy_limit": proxy_limit,
        "quorum_weight_pct": quorum_weight_pct,
    }, ACTOR, now)
    assemblies.change_state(db, assembly.id, "accreditation", ACTOR, now)
    delegations = []
    for index, count in enumerate(members):
        organization = make_organization(db, members=count)
        issued = assemblies.issue_credential(db, settings, assembly.id, organization.id,
                                             f"Delegada {index}", ACTOR, now)
        delegations.append(Delegation(issued.delegate_id, organization.id, issued.credential,
                                      count))
        if index not in absent:
            assemblies.check_in(db, assembly.id, issued.delegate_id, ACTOR, now)
    for extra in extra_organizations or []:
        make_organization(db, **extra)
    given: dict[int, int] = {}
    for giver_members, holder in proxies or []:
        giver = make_organization(db, members=giver_members)
        assemblies.grant_proxy(db, settings, assembly.id, giver.id,
                               delegations[holder].delegate_id, ACTOR, now)
        given[giver.id] = delegations[holder].delegate_id
    assemblies.freeze_roll(db, assembly.id, ACTOR, now)
    assemblies.change_state(db, assembly.id, "in_session", ACTOR, now)
    members_of = {d.organization_id: d.members for d in delegations}
    members_of.update({org: m for (m, _h), org in zip(proxies or [], given, strict=True)})
    return Session_(assembly.id, delegations, given, members_of)


def open_poll(db: Session, assembly_id: int, **fields: Any) -> int:
    values: dict[str, Any] = {"title": "¿Aprobamos la moción?", "method": "yes_no_abstain"}
    values.update(fields)
    poll = polls.create_poll(db, assembly_id, values, ACTOR, utcnow())
    polls.open_poll(db, poll.id, ACTOR, utcnow())
    return poll.id


def ensure_key(settings: Settings) -> None:
    if keys.public_key(settings) is None:
        keys.generate(settings)
