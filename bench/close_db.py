"""3b. Closing a poll from the database: `governance.polls.services.close_poll` with the
app's sealer (`governance.results.services.sealer`) on a real SQLite poll.

Seeding 100,000 voting rights through the services would take longer than the rest of the
suite, so rows are bulk-inserted: organizations, an assembly (through the services), a poll
whose voters carry frozen weights, and one ballot per voter whose `line` and `receipt` are
built exactly as `cast_ballot` builds them (`ballots.result.ballot_line`, `receipt`).
Each run closes the poll, then reopens it for the next run (state, result and the voters'
presence reset); the signed result is checked against a recount every time.
Baseline: SHA-256 of the ballot lines, as in the pure benchmark.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import random
import secrets
import time
from pathlib import Path

from sqlalchemy import insert, update

from ballots import signing
from ballots.polls import Rules
from ballots.result import ballot_line, jsonl, receipt
from bench.common import (
    Context,
    Section,
    Table,
    Target,
    Timing,
    count,
    ratio,
    seconds,
    shortfall,
)
from bench.seed import ACTOR, prepare_schema
from bench.synthetic import cast_at, organization_name
from governance.assemblies import services as assemblies
from governance.db import Database, utcnow
from governance.organizations.models import Organization
from governance.polls import services as polls
from governance.polls.models import Ballot, Poll, PollVoter
from governance.results import keys
from governance.results.services import sealer
from governance.settings import Settings

SIZES_FULL = (10_000, 100_000)
SIZES_QUICK = (100_000,)
TARGET_SIZE, TARGET_SECONDS = 100_000, 2.0
CHUNK = 5_000


def seed_poll(url: str, size: int) -> tuple[int, bytes]:
    """A database with one open poll of `size` voters who all voted; returns the poll id and
    ballots.jsonl."""
    prepare_schema(url)
    database = Database(url)
    rng = random.Random(size)
    now = utcnow()
    lines = []
    try:
        with database.transaction() as db:
            assembly = assemblies.create_assembly(db, {
                "title": "Asamblea Nacional de Cooperativas 2026", "starts_at": now.isoformat(),
                "weighting": {"scheme": "sqrt"}, "quorum_weight_pct": 50}, ACTOR, now)
            for start in range(0, size, CHUNK):
                db.execute(insert(Organization), [
                    {"id": n, "name": organization_name(n), "country": "PE",
                     "members": rng.randint(5, 1600), "kind": "small_producer",
                     "standing": "active", "created_at": now, "updated_at": now}
                    for n in range(start + 1, min(size, start + CHUNK) + 1)])
            poll = Poll(assembly_id=assembly.id, title="Moción GA-2026-07", description="",
                        method="yes_no_abstain", options=["yes", "no", "abstain"],
                        option_labels={}, max_choices=1, allow_split=True, allow_revote=False,
                        secret=False, rules=Rules(quorum_weight_pct=50).to_dict(),
                        state="open", created_at=now, opened_at=now,
                        pseudonym_key=secrets.token_hex(32), next_seq=size)
            db.add(poll)
            db.flush()
            poll_id = poll.id
            for start in range(0, size, CHUNK):
                voters, ballots = [], []
                for n in range(start + 1, min(size, start + CHUNK) + 1):
                    weight = max(1, math.isqrt(rng.randint(5, 1600)))
                    voter = f"org-{n}"
                    voters.append({"poll_id": poll_id, "organization_id": n,
                                   "organization_name": organization_name(n), "voter": voter,
                                   "weight": weight, "present": False})
                    seq = n - 1
                    if rng.random() < 0.1:
                        yes = rng.randint(0, weight)
                        vote: dict[str, object] = {"split": {"yes": yes, "no": weight - yes}}
                    else:
                        vote = {"choice": rng.choice(("yes", "yes", "no", "abstain"))}
                    line = ballot_line(seq, voter, vote, cast_at(seq), {"by": "own"})
                    lines.append(line)
                    ballots.append({"poll_id": poll_id, "seq": seq, "voter": voter,
                                    "organization_id": n, "delegate_id": None, "via": "own",
                                    "teller": None, "vote": vote, "cast_at": now,
                                    "line": line.decode(), "receipt": receipt(line)})
                db.execute(insert(PollVoter), voters)
                db.execute(insert(Ballot), ballots)
    finally:
        database.dispose()
    return poll_id, jsonl(lines)


def reopen(database: Database, poll_id: int) -> None:
    with database.transaction() as db:
        db.execute(update(Poll).where(Poll.id == poll_id).values(
            state="open", closed_at=None, result_json=None, result_signature=None, outcome=None))
        db.execute(update(PollVoter).where(PollVoter.poll_id == poll_id).values(present=False))


def close_once(database: Database, settings: Settings, poll_id: int) -> tuple[float, float]:
    seal = sealer(settings)
    c0, w0 = time.process_time(), time.perf_counter()
    with database.transaction() as db:
        polls.close_poll(db, seal, poll_id, ACTOR, utcnow())
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    with database.transaction(write=False) as db:
        poll = db.get_one(Poll, poll_id)
        public = keys.public_key(settings)
        stored = (poll.result_json or "").encode()
        good = public is not None and signing.verify_signature(
            signing.load_public_key(public.pem), base64.b64decode(poll.result_signature or ""),
            stored)
        size = json.loads(stored)["ledger"]["tree_size"] if stored else -1
    if not good or size != poll.next_seq:
        raise RuntimeError("the sealed result does not check out")
    return wall, cpu


def run(ctx: Context) -> Section:
    section = Section(
        key="close_db", title="3b. Closing a poll from the database (SQLite)",
        method=("`governance.polls.services.close_poll` with the app's sealer, in one write "
                "transaction on a SQLite file (WAL, synchronous FULL): loading ballots and "
                "voters, marking presence, building, signing and storing the result. Rows were "
                "bulk-inserted with ballot lines built exactly as `cast_ballot` builds them. "
                f"Median of {max(2, ctx.runs - 2)} closings, the poll reopened between them. "
                "Baseline: SHA-256 of the same ballots.jsonl bytes."),
    )
    table = Table(["ballots", "close_poll (median)", "CPU", "SHA-256 baseline",
                   "ratio to baseline"], [])
    for size in (SIZES_QUICK if ctx.quick else SIZES_FULL):
        directory = ctx.scratch / f"close-db-{size}"
        directory.mkdir()
        url = f"sqlite:///{directory / 'close.db'}"
        ctx.log(f"close from the database: seeding {size:,} ballots")
        poll_id, ballots_jsonl = seed_poll(url, size)
        settings = Settings(database_url=url, data_dir=Path(directory / "data"),
                            checkpoint_seconds=0)
        keys.generate(settings)
        database = Database(url)
        ctx.log(f"close from the database: {size:,} ballots")
        walls, cpus = [], []
        try:
            for _ in range(max(2, ctx.runs - 2)):
                wall, cpu = close_once(database, settings, poll_id)
                walls.append(wall)
                cpus.append(cpu)
                reopen(database, poll_id)
        finally:
            database.dispose()
        timing = Timing(tuple(walls), tuple(cpus))
        base = min(_sha_times(ballots_jsonl))
        table.rows.append([count(size), seconds(timing.median), seconds(timing.cpu_median),
                           seconds(base), ratio(timing.median, base)])
        if size == TARGET_SIZE:
            met = timing.median < TARGET_SECONDS
            section.targets.append(Target(
                "close a 100,000-ballot poll from the database", f"< {TARGET_SECONDS:.0f} s",
                f"{seconds(timing.median)} (CPU {seconds(timing.cpu_median)})", met,
                "" if met else shortfall(timing, TARGET_SECONDS)))
    section.tables.append(table)
    return section


def _sha_times(data: bytes) -> list[float]:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        hashlib.sha256(data).digest()
        times.append(time.perf_counter() - start)
    return times
