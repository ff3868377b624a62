"""Polls: creating, opening, casting ballots into the ledger, live turnout, closing.

Every ballot for a poll is written under that poll's row lock (BEGIN IMMEDIATE on SQLite,
SELECT … FOR UPDATE on PostgreSQL): ledger positions never repeat, and two delegates acting for
the same organization at the same moment cannot both be counted where revotes are not allowed.
The transaction commits before the receipt is returned, so a receipt always means a durable
ballot. The ballot itself is cast in `casting.py`; `writer.py` commits ballots in groups.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ballots.polls import PollSpec, PollSpecError
from governance import errors, i18n
from governance.assemblies import services as assemblies
from governance.assemblies.models import Delegate
from governance.audit import services as audit
from governance.auth.roles import Principal
from governance.polls import casting
from governance.polls import motions as poll_motions
from governance.polls.casting import rfc3339  # noqa: F401 - how every poll time is written
from governance.polls.models import Ballot, Poll, PollVoter


@dataclass(frozen=True)
class Turnout:
    total_weight: int
    total_organizations: int
    present_weight: int
    present_organizations: int
    cast_weight: int
    cast_organizations: int
    ballots: int


def spec_of(poll: Poll) -> PollSpec:
    return PollSpec.from_dict({
        "method": poll.method, "options": poll.options, "max_choices": poll.max_choices,
        "allow_split": poll.allow_split, "allow_revote": poll.allow_revote,
        "secret": poll.secret, "rules": poll.rules,
    })


def get_poll(db: Session, poll_id: int, lock: bool = False) -> Poll:
    query = select(Poll).where(Poll.id == poll_id)
    poll = db.scalar(query.with_for_update() if lock else query)
    if poll is None:
        raise errors.NotFound("There is no poll number %(id)s.", id=poll_id)
    return poll


def check_visible(db: Session, who: Principal | None, assembly_id: int,
                  poll_id: int | None = None) -> None:
    """A delegate sees the polls of its own assembly only; to it, others do not exist."""
    if who is None or who.kind != "delegate" or who.delegate_id is None:
        return
    if assemblies.active_delegate(db, who.delegate_id).assembly_id != assembly_id:
        if poll_id is None:
            raise errors.NotFound("There is no assembly number %(id)s.", id=assembly_id)
        raise errors.NotFound("There is no poll number %(id)s.", id=poll_id)


def visible_poll(db: Session, who: Principal | None, poll_id: int) -> Poll:
    """The poll, if `who` may see it (see `check_visible`)."""
    poll = get_poll(db, poll_id)
    check_visible(db, who, poll.assembly_id, poll_id)
    return poll


def visible_polls(db: Session, who: Principal | None, assembly_id: int) -> list[Poll]:
    """The polls of an assembly that exists and that `who` may see."""
    assemblies.get_assembly(db, assembly_id)
    check_visible(db, who, assembly_id)
    return list_polls(db, assembly_id)


def list_polls(db: Session, assembly_id: int) -> list[Poll]:
    return list(db.scalars(select(Poll).where(Poll.assembly_id == assembly_id).order_by(Poll.id)))


def create_poll(db: Session, assembly_id: int, fields: dict[str, Any], actor: str,
                now: datetime) -> Poll:
    """A draft poll. Unset rules come from the assembly's defaults and quorum."""
    assembly = assemblies.get_assembly(db, assembly_id)
    if assembly.state == "closed":
        raise errors.Conflict("The assembly is closed.", code="assembly_closed")
    title = " ".join(str(fields.get("title") or "").split())
    if not 1 <= len(title) <= 300:
        raise errors.InvalidInput("The title must have 1 to 300 characters.", field="title")
    defaults = dict(assembly.poll_defaults or {})
    rules = {
        "quorum_weight_pct": assembly.quorum_weight_pct,
        "quorum_orgs_pct": assembly.quorum_orgs_pct,
        "quorum_mode": assembly.quorum_mode,
        **defaults.get("rules", {}),
        **(fields.get("rules") or {}),
    }
    options = list(fields.get("options") or [])
    labels = {str(k): " ".join(str(v).split())[:200] for k, v in
              (fields.get("option_labels") or {}).items()}
    try:
        spec = PollSpec.from_dict({
            "method": fields.get("method", "yes_no_abstain"),
            "options": options,
            "max_choices": fields.get("max_choices", 1),
            "allow_split": fields.get("allow_split", defaults.get("allow_split", False)),
            "allow_revote": fields.get("allow_revote", defaults.get("allow_revote", False)),
            "secret": fields.get("secret", defaults.get("secret", False)),
            "rules": rules,
        })
    except PollSpecError as exc:
        raise errors.InvalidInput("The poll cannot be set up: %(reason)s",
                                  reason=_spec_problem(fields, options, str(exc)),
                                  code="bad_poll") from None
    unknown = sorted(set(labels) - set(spec.options))
    if unknown:
        raise errors.InvalidInput("Labels name options the poll does not have: %(keys)s",
                                  field="option_labels", keys=", ".join(unknown))
    motion_id, objective = fields.get("motion_id"), fields.get("objective_number")
    poll_motions.check_link(db, motion_id, objective)
    poll = Poll(
        assembly_id=assembly.id, title=title,
        description=str(fields.get("description") or "")[:10_000],
        motion_id=fields.get("motion_id"), objective_number=fields.get("objective_number"),
        method=spec.method, options=list(spec.options), option_labels=labels,
        max_choices=spec.max_choices, allow_split=spec.allow_split,
        allow_revote=spec.allow_revote, secret=spec.secret, rules=spec.rules.to_dict(),
        state="draft", created_at=now, pseudonym_key=secrets.token_hex(32), next_seq=0,
    )
    db.add(poll)
    db.flush()
    audit.record(db, actor, "poll.create", f"poll:{poll.id}",
                 {"assembly": assembly.id, "title": title, "method": spec.method}, now)
    return poll


def _spec_problem(fields: dict[str, Any], options: list[str], reason: str) -> str:
    """The chair's most common mistakes in their own language; anything rarer as the core
    states it (in English)."""
    method = fields.get("method", "yes_no_abstain")
    candidates = [key for key in options if key != "abstain"]
    if method in ("single", "multiple") and len(candidates) < 2:
        return i18n.gettext("give at least two options, one per line")
    if method == "multiple" and not 1 <= int(fields.get("max_choices") or 1) <= len(candidates):
        return i18n.gettext("choose up to as many options as there are, at least one")
    return reason


def voter_id(poll: Poll, organization_id: int) -> str:
    """The voter's name in the ledger: the organization in a roll-call poll, a pseudonym
    (HMAC of the poll's secret key) in a secret one."""
    if not poll.secret:
        return f"org-{organization_id}"
    digest = hmac.new(bytes.fromhex(poll.pseudonym_key), str(organization_id).encode(),
                      hashlib.sha256).hexdigest()
    return "v-" + digest[:24]


def open_poll(db: Session, poll_id: int, actor: str, now: datetime) -> Poll:
    """Open the poll: its voters and weights are taken from the frozen roll, once."""
    poll = get_poll(db, poll_id, lock=True)
    if poll.state != "draft":
        raise errors.Conflict("Only a poll that has not been opened yet can be opened.",
                              code="poll_not_draft")
    assembly = assemblies.get_assembly(db, poll.assembly_id)
    if assembly.state != "in_session":
        raise errors.Conflict("Polls open only while the assembly is in session.",
                              code="assembly_not_in_session")
    rows = assemblies.roll(db, assembly.id)
    if not rows:
        raise errors.Conflict("The roll has no voting rights.", code="empty_roll")
    for row in rows:
        db.add(PollVoter(poll_id=poll.id, organization_id=row.organization_id,
                         organization_name=row.organization_name,
                         voter=voter_id(poll, row.organization_id),
                         weight=row.weight, present=row.present))
    poll.state, poll.opened_at = "open", now
    db.flush()
    audit.record(db, actor, "poll.open", f"poll:{poll.id}", {"voting_rights": len(rows)}, now)
    return poll


def cast_ballot(
    db: Session,
    poll_id: int,
    *,
    delegate_id: int,
    payload: dict[str, Any],
    now: datetime,
    organization_id: int | None = None,
    teller: str | None = None,
) -> casting.Accepted:
    """Accept one ballot of the delegate named by id into the ledger, or refuse it with the
    reason (see `casting.cast`, which the ballot writer calls for API and page votes)."""
    return casting.cast(db, casting.delegate_by_id(db, delegate_id), poll_id, payload, now,
                        organization_id, teller)


def turnout(db: Session, poll: Poll) -> Turnout:
    """Live turnout: who is present now, and who has cast a ballot (each voter once)."""
    voters = list(db.execute(select(PollVoter.organization_id, PollVoter.voter,
                                    PollVoter.weight).where(PollVoter.poll_id == poll.id)))
    if poll.state == "closed":
        present = {v.organization_id for v in db.scalars(
            select(PollVoter).where(PollVoter.poll_id == poll.id, PollVoter.present))}
    else:
        present = assemblies.present_organization_ids(db, poll.assembly_id)
    cast = set(db.scalars(select(Ballot.voter).where(Ballot.poll_id == poll.id).distinct()))
    count = db.scalar(select(func.count()).select_from(Ballot).where(Ballot.poll_id == poll.id))
    return Turnout(
        total_weight=sum(v.weight for v in voters),
        total_organizations=len(voters),
        present_weight=sum(v.weight for v in voters if v.organization_id in present
                           or v.voter in cast),
        present_organizations=sum(1 for v in voters if v.organization_id in present
                                  or v.voter in cast),
        cast_weight=sum(v.weight for v in voters if v.voter in cast),
        cast_organizations=sum(1 for v in voters if v.voter in cast),
        ballots=count or 0,
    )


def close_poll(db: Session, seal: Any, poll_id: int, actor: str, now: datetime) -> Poll:
    """Close the poll and seal its result; `seal(db, poll, now)` signs it (governance.results)."""
    poll = get_poll(db, poll_id, lock=True)
    if poll.state != "open":
        raise errors.Conflict("Only an open poll can be closed.", code="poll_not_open")
    poll.state, poll.closed_at = "closed", now
    seal(db, poll, now)
    poll_motions.record_outcome(db, poll, actor, now)
    audit.record(db, actor, "poll.close", f"poll:{poll.id}",
                 {"outcome": poll.outcome, "ballots": poll.next_seq}, now)
    return poll


def ledger_lines(db: Session, poll_id: int) -> list[str]:
    """The ballot lines of the poll's ledger, in order, as plain strings: closing or exporting
    a poll of 100,000 ballots must not build 100,000 ORM objects (see bench/)."""
    return list(db.scalars(select(Ballot.line).where(Ballot.poll_id == poll_id)
                           .order_by(Ballot.seq)))


def roll_rows(db: Session, poll_id: int) -> list[tuple[str, int, bool, str]]:
    """(voter, weight, present, organization name) of every voting right, in the order of
    `voters_of`, as plain rows."""
    rows = db.execute(select(PollVoter.voter, PollVoter.weight, PollVoter.present,
                             PollVoter.organization_name)
                      .where(PollVoter.poll_id == poll_id).order_by(PollVoter.organization_id))
    return [(voter, weight, bool(present), name) for voter, weight, present, name in rows]


def mark_presence(db: Session, poll: Poll, present: set[int]) -> None:
    """At closing, each voting right is present if its organization is present now, or if it
    voted. Set-based updates: one statement for "voted", then the present organizations in
    chunks (closing 100,000 voting rights through the ORM took seconds of flushing)."""
    voted = select(Ballot.voter).where(Ballot.poll_id == poll.id)
    quick = {"synchronize_session": False}  # no PollVoter of this poll is loaded here
    db.execute(update(PollVoter).where(PollVoter.poll_id == poll.id)
               .values(present=PollVoter.voter.in_(voted)).execution_options(**quick))
    ids = sorted(present)
    for start in range(0, len(ids), 500):
        db.execute(update(PollVoter).where(PollVoter.poll_id == poll.id,
                                           PollVoter.organization_id.in_(ids[start:start + 500]))
                   .values(present=True).execution_options(**quick))


def ballots_of(db: Session, poll_id: int) -> list[Ballot]:
    return list(db.scalars(select(Ballot).where(Ballot.poll_id == poll_id).order_by(Ballot.seq)))


def voters_of(db: Session, poll_id: int) -> list[PollVoter]:
    return list(db.scalars(select(PollVoter).where(PollVoter.poll_id == poll_id)
                           .order_by(PollVoter.organization_id)))


def voted_organizations(db: Session, poll_id: int, organization_ids: list[int]) -> dict[int, str]:
    """For the delegate's page: the receipt of the counted ballot of each organization."""
    rows = db.execute(select(Ballot.organization_id, Ballot.receipt)
                      .where(Ballot.poll_id == poll_id,
                             Ballot.organization_id.in_(organization_ids))
                      .order_by(Ballot.seq))
    return {organization: receipt_hex for organization, receipt_hex in rows}


def open_polls(db: Session, assembly_id: int) -> list[Poll]:
    return list(db.scalars(select(Poll).where(Poll.assembly_id == assembly_id,
                                              Poll.state == "open").order_by(Poll.id)))



@dataclass(frozen=True)
class BallotPaper:
    """One line of a delegate's voting screen: an organization it may vote for in a poll."""

    organization_id: int
    organization_name: str
    via_proxy: bool
    weight: int | None  # None: no voting right in this poll
    receipt: str | None  # the receipt of its ballot, once it voted


def ballot_papers(db: Session, poll: Poll, delegate_id: int) -> list[BallotPaper]:
    represented = assemblies.represented_organizations(db, delegate_id)
    ids = [r.organization_id for r in represented]
    weights = dict(db.execute(select(PollVoter.organization_id, PollVoter.weight)
                              .where(PollVoter.poll_id == poll.id,
                                     PollVoter.organization_id.in_(ids))).all())
    receipts = voted_organizations(db, poll.id, ids)
    return [BallotPaper(r.organization_id, r.organization_name, r.via_proxy,
                        weights.get(r.organization_id), receipts.get(r.organization_id))
            for r in represented]


def roll_call(db: Session, poll: Poll) -> list[tuple[PollVoter, Ballot | None]]:
    """Each voting right with the ballot that counts for it (first, or last with revotes)."""
    counted: dict[str, Ballot] = {}
    for ballot in ballots_of(db, poll.id):
        if poll.allow_revote or ballot.voter not in counted:
            counted[ballot.voter] = ballot
    return [(voter, counted.get(voter.voter)) for voter in voters_of(db, poll.id)]


def present_delegates(db: Session, assembly_id: int) -> list[Delegate]:
    """Checked-in delegates, for the tellers' form."""
    return list(db.scalars(select(Delegate).where(
        Delegate.assembly_id == assembly_id, Delegate.checked_in_at.is_not(None),
        Delegate.revoked_at.is_(None)).order_by(Delegate.name)))
