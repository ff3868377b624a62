"""6. Searching the public archive of 10,000 motions: the `searchArchive` operation over HTTP
against `asamblea serve`, and the service it calls (`search_archive`, timeline included).

The archive is seeded by `bench.archive_search.seed` (the archive's own benchmark: 10,000
published motions over 21 years, Spanish originals, two in three translated to English,
topic words at realistic frequencies) into a migrated SQLite database, and on PostgreSQL
when configured. Queries are the same mix; each is asked `rounds` times, one at a time.
Baselines, in the same run: a read transaction doing `SELECT 1` (service level), and the
same server sending its 6 KB stylesheet (HTTP level).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from urllib.parse import urlencode

from sqlalchemy import text

from bench.archive_search import QUERIES, seed
from bench.common import Context, Section, Table, Target
from bench.loadgen import Call, HttpClient
from bench.seed import reset_postgres
from bench.server import app_server
from governance import migrate
from governance.archive.search import ArchiveFilter, search_archive
from governance.db import Database

MOTIONS = 10_000
TARGET_P95 = 0.050
BUDGET_SECONDS = 2.0  # per query and way of asking


def _more(timings: list[float], rounds: int) -> bool:
    """Another round? `rounds` of them, unless a slow query has used its time budget (and
    has been timed at least three times)."""
    return len(timings) < rounds and (len(timings) < 3 or sum(timings) < BUDGET_SECONDS)


def _params(filters: ArchiveFilter) -> str:
    values = {name: value for name, value in vars(filters).items() if value not in ("", None)}
    return urlencode({**values, "lang": "en"})


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]


def _ms(value: float) -> str:
    return f"{value * 1000:.1f} ms"


def run(ctx: Context) -> Section:
    rounds = 10 if ctx.quick else 30
    section = Section(
        key="archive", title="6. Searching the archive of 10,000 motions",
        method=(f"{MOTIONS:,} published motions seeded by `bench/archive_search.py`; each query "
                f"of its mix asked {rounds} times (fewer, but at least 3, when it takes more than "
                f"{BUDGET_SECONDS:.0f} s in all), one at a time, after ANALYZE: over HTTP (`GET "
                f"/api/v1/archive/search`, the `searchArchive` operation, first page and "
                f"timeline) against `asamblea serve`, and in-process (`search_archive`). "
                f"Baselines in the same run: `SELECT 1` in a read transaction, and the server "
                f"sending its stylesheet."),
    )
    backends = [("SQLite", f"sqlite:///{ctx.scratch / 'archive.db'}")]
    if ctx.postgres_url:
        backends.append(("PostgreSQL", ctx.postgres_url))
    table = Table(["backend", "query", "hits", "times asked", "HTTP p50", "HTTP p95",
                   "service p50", "service p95"], [])
    summary = Table(["backend", "all queries: HTTP p50", "HTTP p95", "service p95",
                     "baseline: HTTP stylesheet p95", "baseline: SELECT 1 p95",
                     "HTTP p95 / baseline"], [])
    for label, url in backends:
        if url.startswith("postgresql"):
            reset_postgres(url)
        migrate.upgrade(url)
        database = Database(url)
        ctx.log(f"archive: seeding {MOTIONS:,} motions into {label}")
        seed(database, MOTIONS)
        with database.engine.begin() as connection:
            # What autovacuum (PostgreSQL) or `PRAGMA optimize` (SQLite) would have done by
            # the time anyone searches: planner statistics for the freshly loaded tables.
            connection.execute(text("ANALYZE"))
        service_all: list[float] = []
        http_all: list[float] = []
        per_query: dict[str, tuple[int, list[float]]] = {}
        for name, filters in QUERIES:
            timings, hits = [], 0
            while _more(timings, rounds):
                with database.transaction(write=False) as db:
                    began = time.perf_counter()
                    hits = search_archive(db, filters, "en").total
                    timings.append(time.perf_counter() - began)
            per_query[name] = (hits, timings)
            service_all += timings
        select_one = []
        for _ in range(rounds * 3):
            began = time.perf_counter()
            with database.transaction(write=False) as db:
                db.execute(text("SELECT 1"))
            select_one.append(time.perf_counter() - began)
        database.dispose()
        ctx.log(f"archive: searching over HTTP ({label})")
        with app_server(url, ctx.scratch / "archive-data", ctx.scratch / "archive.log") as server:
            http, stylesheet = asyncio.run(_http(server.port, rounds))
        for name, (hits, timings) in per_query.items():
            table.rows.append([label, name, f"{hits:,}", str(len(http[name])),
                               _ms(statistics.median(http[name])),
                               _ms(_p95(http[name])), _ms(statistics.median(timings)),
                               _ms(_p95(timings))])
            http_all += http[name]
        p95 = _p95(http_all)
        summary.rows.append([label, _ms(statistics.median(http_all)), _ms(p95),
                             _ms(_p95(service_all)), _ms(_p95(stylesheet)),
                             _ms(_p95(select_one)), f"{p95 / _p95(stylesheet):.1f}×"])
        met = p95 < TARGET_P95
        section.targets.append(Target(
            f"archive search p95, {label} (HTTP, all queries)", "< 50 ms", _ms(p95), met,
            "" if met else f"{p95 / TARGET_P95:.1f}× the target; see the slowest queries"))
    section.tables += [summary, table]
    return section


async def _http(port: int, rounds: int) -> tuple[dict[str, list[float]], list[float]]:
    client = HttpClient("127.0.0.1", port, max_connections=1)
    loop = asyncio.get_running_loop()
    results: dict[str, list[float]] = {}
    for name, filters in QUERIES:
        call = Call("GET", f"/api/v1/archive/search?{_params(filters)}")
        await client.request(call)  # warm-up
        timings: list[float] = []
        while _more(timings, rounds):
            began = loop.time()
            reply = await client.request(call)
            if reply.status != 200:
                raise RuntimeError(f"searchArchive answered {reply.status}: {reply.body[:200]!r}")
            timings.append(loop.time() - began)
        results[name] = timings
    stylesheet = []
    for _ in range(rounds * 3):
        began = loop.time()
        await client.request(Call("GET", "/static/asamblea.css"))
        stylesheet.append(loop.time() - began)
    await client.close()
    return results, stylesheet
