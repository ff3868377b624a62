"""Casting at capacity, quickly: castBallot over 64 connections sending back to back (closed
model, as wrk), next to the bare-insert baseline in the same run, with the server's CPU per
request (its PostgreSQL backends included) and the ledgers checked after the run.

    python -m bench.capacity                                   # SQLite, one worker
    python -m bench.capacity --url postgresql+psycopg://…/scratch --workers 2

What `python -m bench` (section 1) measures too, without its slow parts: sessions are opened
directly (no Argon2id login per delegate), so a run takes a minute or two. The database given
with --url is wiped. Nothing here asserts a number.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
from pathlib import Path

from bench import baseline_app
from bench.loadgen import CpuMeter, HttpClient, Outcome, closed_model, json_call
from bench.seed import reset_postgres
from bench.server import app_server, baseline_server
from bench.voting import CONNECTIONS, check_ledgers
from governance import migrate
from governance.assemblies import services as assemblies
from governance.auth import services as auth
from governance.db import Database, utcnow
from governance.organizations import services as registry
from governance.polls import services as polls
from governance.results import keys
from governance.settings import PasswordHashing, Settings

ACTOR = "staff:bench"
FAST = PasswordHashing(time_cost=1, memory_cost=8, parallelism=1)  # credentials never used


def seed(url: str, data_dir: Path, delegates: int, poll_count: int) -> tuple[list[int], list[str]]:
    """(open polls, one session token per delegate): an assembly in session, every delegate
    checked in, the roll frozen."""
    settings = Settings(database_url=url, data_dir=data_dir, secure_cookies=False,
                        password_hashing=FAST, credential_hashing=FAST, checkpoint_seconds=0)
    if keys.public_key(settings) is None:
        keys.generate(settings)
    database = Database(url)
    now = utcnow()
    with database.transaction() as db:
        assembly = assemblies.create_assembly(db, {
            "title": "Capacidad", "starts_at": now.isoformat(),
            "weighting": {"scheme": "sqrt"}}, ACTOR, now)
        assemblies.change_state(db, assembly.id, "accreditation", ACTOR, now)
        ids = []
        for number in range(delegates):
            organization = registry.create_organization(db, {
                "name": f"Cooperativa {number:04d}", "country": "PE", "members": 10 + number})
            issued = assemblies.issue_credential(db, settings, assembly.id, organization.id,
                                                 f"Delegada {number}", ACTOR, now)
            ids.append(issued.delegate_id)
            assemblies.check_in(db, assembly.id, issued.delegate_id, ACTOR, now)
        assemblies.freeze_roll(db, assembly.id, ACTOR, now)
        assemblies.change_state(db, assembly.id, "in_session", ACTOR, now)
        poll_ids = []
        for number in range(poll_count):
            poll = polls.create_poll(db, assembly.id, {"title": f"Votación {number}",
                                                        "method": "yes_no_abstain"}, ACTOR, now)
            polls.open_poll(db, poll.id, ACTOR, now)
            poll_ids.append(poll.id)
        tokens = [auth.start_session(db, settings, now, delegate_id=i) for i in ids]
    database.dispose()
    return poll_ids, tokens


def describe(label: str, outcome: Outcome, serving: float, others: str) -> str:
    done = outcome.ok(201)
    return (f"{label}: {done:,} of {outcome.sent:,} accepted, {outcome.throughput(201):,.0f}/s, "
            f"p50 {outcome.median * 1000:.0f} ms, p99 {outcome.percentile(99) * 1000:.0f} ms, "
            f"errors {outcome.failures(201)} {dict(outcome.errors.most_common(3))}, server CPU "
            f"{serving / max(1, done) * 1000:.2f} ms per request, other processes {others}")


async def load(port: int, calls: list, url: str, pid: int) -> tuple[Outcome, float, str]:
    client = HttpClient("127.0.0.1", port, max_connections=CONNECTIONS)
    with CpuMeter(pid, url) as meter:
        outcome = await closed_model(client, calls, CONNECTIONS, expected=201)
    await client.close()
    return outcome, meter.use.serving, meter.use.share(meter.use.others)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.capacity",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="a scratch database (wiped); a temporary SQLite if none")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--delegates", type=int, default=500)
    parser.add_argument("--polls", type=int, default=6)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        url = args.url or f"sqlite:///{Path(scratch) / 'capacity.db'}"
        if url.startswith("postgresql"):
            reset_postgres(url)
        migrate.upgrade(url)
        poll_ids, tokens = seed(url, Path(scratch) / "data", args.delegates, args.polls)
        rng = random.Random(14)
        calls = []
        for poll_id in poll_ids:
            order = list(range(len(tokens)))
            rng.shuffle(order)
            calls += [json_call("POST", f"/api/v1/polls/{poll_id}/ballots",
                                {"choice": rng.choice(("yes", "no", "abstain"))}, tokens[i])
                      for i in order]
        print(f"load average before: {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
        with app_server(url, Path(scratch) / "data", Path(scratch) / "app.log",
                        workers=args.workers) as server:
            outcome, serving, others = asyncio.run(load(server.port, calls, url, server.pid))
        print(describe(f"castBallot, {args.workers} worker(s)", outcome, serving, others))
        print("ledgers:", check_ledgers(url, poll_ids, outcome.ok(201)))
        baseline_url = url if url.startswith("postgresql") else \
            f"sqlite:///{Path(scratch) / 'baseline.db'}"
        baseline_app.create_table(baseline_url)
        inserts = [json_call("POST", "/ballots", {"choice": "yes"})] * len(calls)
        with baseline_server(baseline_url, Path(scratch) / "baseline.log",
                             workers=args.workers) as server:
            base, base_serving, base_others = asyncio.run(
                load(server.port, inserts, baseline_url, server.pid))
        print(describe("bare-insert baseline", base, base_serving, base_others))
        if base.throughput(201):
            print(f"ratio to the baseline: {outcome.throughput(201) / base.throughput(201):.2f}")
        print(f"load average after: {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
