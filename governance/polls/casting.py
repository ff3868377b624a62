"""Casting a ballot into a poll's ledger: the hot path of a vote, in the few statements it needs.

Every check happens in the transaction that inserts the ballot: the delegate's credential is
not revoked and the delegate is checked in (`delegate_by_id`), the poll is open (its row, read
FOR UPDATE once per transaction), the delegate holds the vote of the organization (its own, or
an active proxy), the organization has a voting right in the poll, and it has not voted
already unless revotes are allowed. Everything is checked before anything is written, so a
refused ballot leaves no trace in the transaction.

What never changes while a poll is open (its rules and options, and the frozen weights of its
voting rights) is read once per process and kept (`_open_polls`). The rule that keeps the copy
right: it is used only after the transaction has read the poll's row and found it open, with
the same opening time and the same random per-poll key (so a poll of another database that has
the same number is never taken for it); polls never reopen, and nothing edits an open poll's
rules or voters.

Ledger positions are taken from the poll row's `next_seq`, read under the row's lock, counted
up in memory, and written back once per transaction (`Ledger.flush`): the ballot writer
(`writer.py`) puts many ballots in one transaction this way.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ballots.casting import BallotRejected, validate_choice
from ballots.polls import PollSpec
from ballots.result import ballot_line, receipt
from governance import errors
from governance.assemblies.models import Delegate, Proxy
from governance.audit import services as audit
from governance.i18n import N_
from governance.polls.models import Ballot, Poll, PollVoter

REJECTIONS = {
    "not_an_option": N_("That is not an option of this poll."),
    "too_many_choices": N_("Too many choices for this poll."),
    "no_choice": N_("Choose an option."),
    "split_not_allowed": N_("This poll does not allow dividing the vote."),
    "split_sum": N_("The parts of a divided vote must be whole numbers that add up to the "
                    "organization's weight."),
    "malformed": N_("The ballot is not well formed."),
}
BALLOTS = Ballot.__table__


@dataclass(frozen=True)
class Caster:
    """A delegate as the casting transaction reads it."""

    delegate_id: int
    assembly_id: int
    organization_id: int
    revoked: bool
    checked_in: bool


@dataclass(frozen=True)
class Accepted:
    """A ballot the ledger accepted: its receipt, and what its row holds."""

    poll_id: int
    seq: int
    voter: str
    organization_id: int
    delegate_id: int
    via: str
    teller: str | None
    vote: dict[str, Any]
    cast_at: datetime
    line: str
    receipt: str


@dataclass(frozen=True)
class OpenPoll:
    """What never changes while a poll is open."""

    id: int
    assembly_id: int
    identity: tuple[datetime, str]  # opening time and random per-poll key
    spec: PollSpec
    allow_revote: bool
    voters: dict[int, tuple[str, int]]  # organization id → (ledger voter id, frozen weight)


_open_polls: dict[int, OpenPoll] = {}
_open_polls_lock = threading.Lock()
# One read of the poll per transaction, under its lock: state and position, and what an open
# poll never changes (used when this process has no copy of it yet).
_POLL_ROW = select(Poll.state, Poll.next_seq, Poll.opened_at, Poll.pseudonym_key,
                   Poll.assembly_id, Poll.method, Poll.options, Poll.max_choices,
                   Poll.allow_split, Poll.allow_revote, Poll.secret, Poll.rules)


@dataclass
class Ledger:
    """The polls of one transaction: each read once under its row lock, positions counted in
    memory and written back by `flush`."""

    rows: dict[int, Any] = field(default_factory=dict)  # the poll's row, as read
    next_seq: dict[int, int] = field(default_factory=dict)
    written: dict[int, int] = field(default_factory=dict)  # next_seq as the database has it

    def poll(self, db: Session, poll_id: int) -> Any:
        """The poll's row (state, position, and what an open poll never changes), locked
        until the transaction ends."""
        if poll_id not in self.rows:
            found = db.connection().execute(_POLL_ROW.where(Poll.id == poll_id)
                                            .with_for_update()).first()
            if found is None:
                raise errors.NotFound("There is no poll number %(id)s.", id=poll_id)
            self.rows[poll_id] = found
            self.next_seq[poll_id] = self.written[poll_id] = found.next_seq
        return self.rows[poll_id]

    def take(self, poll_id: int) -> int:
        seq = self.next_seq[poll_id]
        self.next_seq[poll_id] = seq + 1
        return seq

    def flush(self, db: Session) -> None:
        connection = db.connection()
        for poll_id, seq in self.next_seq.items():
            if seq != self.written[poll_id]:
                connection.execute(update(Poll).where(Poll.id == poll_id).values(next_seq=seq))
                self.written[poll_id] = seq
                # A Poll object this session holds would still show the old position.
                loaded = db.identity_map.get(Session.identity_key(Poll, poll_id))
                if loaded is not None:
                    db.expire(loaded, ["next_seq"])


@contextmanager
def ledger_of(db: Session) -> Iterator[Ledger]:
    """The transaction's ledger: the ballot writer's, or one for this ballot alone."""
    shared = db.info.get("ledger")
    if shared is not None:
        yield shared
        return
    ledger = Ledger()
    yield ledger
    ledger.flush(db)


def delegate_by_id(db: Session, delegate_id: int) -> Caster:
    """The delegate as this transaction reads it: credential, presence, organization (the
    caller authenticated it already, or a teller names it)."""
    found = db.connection().execute(
        select(Delegate.id, Delegate.assembly_id, Delegate.organization_id,
               Delegate.revoked_at, Delegate.checked_in_at)
        .where(Delegate.id == delegate_id)).first()
    if found is None:
        raise errors.NotFound("There is no delegate number %(id)s.", id=delegate_id)
    return Caster(found.id, found.assembly_id, found.organization_id,
                  found.revoked_at is not None, found.checked_in_at is not None)


def open_poll_of(db: Session, ledger: Ledger, poll_id: int) -> OpenPoll:
    """The open poll's unchanging part, after this transaction found its row open."""
    row = ledger.poll(db, poll_id)
    if row.state != "open" or row.opened_at is None:
        raise errors.Conflict("This poll is not open for voting.", code="poll_not_open")
    identity = (row.opened_at, row.pseudonym_key)
    kept = _open_polls.get(poll_id)
    if kept is not None and kept.identity == identity:
        return kept
    voters = db.connection().execute(
        select(PollVoter.organization_id, PollVoter.voter, PollVoter.weight)
        .where(PollVoter.poll_id == poll_id))
    spec = PollSpec.from_dict({
        "method": row.method, "options": row.options, "max_choices": row.max_choices,
        "allow_split": row.allow_split, "allow_revote": row.allow_revote,
        "secret": row.secret, "rules": row.rules})
    kept = OpenPoll(poll_id, row.assembly_id, identity, spec, row.allow_revote,
                    {org: (voter, weight) for org, voter, weight in voters})
    with _open_polls_lock:
        _open_polls[poll_id] = kept
    return kept


def cast(db: Session, caster: Caster, poll_id: int, payload: dict[str, Any], now: datetime,
         organization_id: int | None = None, teller: str | None = None) -> Accepted:
    """Accept one ballot into the poll's ledger, or refuse it with the reason (a domain error,
    raised before anything is written)."""
    connection = db.connection()
    with ledger_of(db) as ledger:
        poll = open_poll_of(db, ledger, poll_id)
        if caster.revoked:
            raise errors.Forbidden("This delegate's credential has been revoked.",
                                   code="credential_revoked")
        if caster.assembly_id != poll.assembly_id:
            raise errors.Forbidden("This poll belongs to another assembly.", code="not_entitled")
        if not caster.checked_in:
            raise errors.Forbidden("Check in at the registration desk before voting.",
                                   code="not_present")
        target = caster.organization_id if organization_id is None else organization_id
        by_proxy = target != caster.organization_id
        if by_proxy and connection.execute(select(Proxy.id).where(
                Proxy.delegate_id == caster.delegate_id, Proxy.organization_id == target,
                Proxy.revoked_at.is_(None)).limit(1)).first() is None:
            raise errors.Forbidden("You do not hold the vote of this organization.",
                                   code="not_entitled")
        if target not in poll.voters:
            raise errors.Forbidden("This organization has no voting right in this poll.",
                                   code="no_voting_right")
        voter, weight = poll.voters[target]
        if not poll.allow_revote and connection.execute(select(BALLOTS.c.id).where(
                BALLOTS.c.poll_id == poll_id, BALLOTS.c.voter == voter).limit(1)).first():
            raise errors.Conflict("This organization has already voted in this poll.",
                                  code="already_voted")
        try:
            vote = validate_choice(poll.spec, weight, payload).to_dict()
        except BallotRejected as exc:
            raise errors.InvalidInput(REJECTIONS.get(exc.code, REJECTIONS["malformed"]),
                                      code=exc.code) from None
        via = "teller" if teller else ("proxy" if by_proxy else "own")
        seq = ledger.take(poll_id)
        line = ballot_line(seq, voter, vote, rfc3339(now), {"by": via})
        accepted = Accepted(poll_id, seq, voter, target, caster.delegate_id, via, teller, vote,
                            now, line.decode(), receipt(line))
        connection.execute(BALLOTS.insert().values(
            poll_id=poll_id, seq=seq, voter=voter, organization_id=target,
            delegate_id=caster.delegate_id, via=via, teller=teller, vote=vote, cast_at=now,
            line=accepted.line, receipt=accepted.receipt))
    if teller:
        # A teller acts for a present delegate: a staff action like any other. The choice is
        # in the ledger, not here.
        audit.record(db, f"staff:{teller}", "ballot.teller", f"poll:{poll_id}",
                     {"delegate_id": caster.delegate_id}, now)
    return accepted


def rfc3339(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


