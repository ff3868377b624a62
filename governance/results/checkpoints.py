"""Signed checkpoints of open ledgers, at a steady rhythm and at closing, with consistency
proofs between consecutive ones, so nobody can rewrite a ledger's past unnoticed.

Every worker may try to write a checkpoint; the unique (poll, tree size) pair makes the
database keep one, so nothing lives in a single process's memory.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ballots import ledger
from ballots.checkpoint import make_checkpoint
from governance.db import Database, utcnow
from governance.polls.models import Ballot, Poll
from governance.results import keys
from governance.results.models import Checkpoint
from governance.settings import Settings

log = logging.getLogger("asamblea.checkpoints")


@dataclass(frozen=True)
class PublishedCheckpoint:
    tree_size: int
    root: str
    note: str
    created_at: datetime
    consistency_from: int | None  # the previous checkpoint's size
    consistency_proof: list[str]


def origin(settings: Settings, poll_id: int) -> str:
    return f"{settings.instance_name}/poll/{poll_id}"


def _leaves(db: Session, poll_id: int) -> list[bytes]:
    return [bytes.fromhex(r) for r in db.scalars(
        select(Ballot.receipt).where(Ballot.poll_id == poll_id).order_by(Ballot.seq))]


def write_checkpoint(db: Session, settings: Settings, poll_id: int, now: datetime) -> bool:
    """Sign and store the current tree head, unless one of that size exists. True if new."""
    leaves = _leaves(db, poll_id)
    exists = db.scalar(select(Checkpoint.id).where(Checkpoint.poll_id == poll_id,
                                                   Checkpoint.tree_size == len(leaves)))
    if exists is not None:
        return False
    root = ledger.root(leaves)
    note = make_checkpoint(origin(settings, poll_id), len(leaves), root,
                           keys.private_key(settings), settings.instance_name)
    db.add(Checkpoint(poll_id=poll_id, tree_size=len(leaves), root=root.hex(), note=note,
                      created_at=now))
    db.flush()
    return True


def published(db: Session, poll_id: int) -> list[PublishedCheckpoint]:
    rows = list(db.scalars(select(Checkpoint).where(Checkpoint.poll_id == poll_id)
                           .order_by(Checkpoint.tree_size)))
    leaves = _leaves(db, poll_id) if len(rows) > 1 else []
    out: list[PublishedCheckpoint] = []
    previous: Checkpoint | None = None
    for row in rows:
        proof: list[str] = []
        if previous is not None and previous.tree_size > 0:
            proof = [p.hex() for p in ledger.consistency_proof(leaves[:row.tree_size],
                                                               previous.tree_size)]
        out.append(PublishedCheckpoint(row.tree_size, row.root, row.note, row.created_at,
                                       previous.tree_size if previous else None, proof))
        previous = row
    return out


def checkpoint_open_polls(database: Database, settings: Settings) -> int:
    """One beat of the rhythm: a checkpoint for every open poll whose ledger grew."""
    written = 0
    with database.transaction(write=False) as db:
        poll_ids = list(db.scalars(select(Poll.id).where(Poll.state == "open")))
    for poll_id in poll_ids:
        try:
            with database.transaction() as db:
                written += write_checkpoint(db, settings, poll_id, utcnow())
        except IntegrityError:
            pass  # another worker wrote the same checkpoint first
    return written


async def rhythm(database: Database, settings: Settings) -> None:
    """Runs for the app's lifetime (see governance.app): a checkpoint beat every interval."""
    from starlette.concurrency import run_in_threadpool

    while True:
        await asyncio.sleep(settings.checkpoint_seconds)
        if keys.public_key(settings) is None:
            continue
        try:
            await run_in_threadpool(checkpoint_open_polls, database, settings)
        except Exception:  # noqa: BLE001 - a missed beat must not stop the rhythm
            log.exception("checkpoint beat failed")
