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
from bench.loadgen import Call, CpuMeter, HttpClient
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
                f"CPU per search: the server's processes (HTTP) or this process (in-process), "
                f"plus on PostgreSQL its backends serving the database, divided by the searches; "
                f"unlike the times, it hardly moves when other work shares the machine. "
                f"Baselines in the same run: `SELECT 1` in a read transaction, and the server "
                f"sending its stylesheet."),
    )
    backends = [("SQLite", f"sqlite:///{ctx.scratch / 'archive.db'}")]
    if ctx.postgres_url:
        backends.append(("PostgreSQL", ctx.postgres_url))
    table = Table(["backend", "query", "hits", "times asked", "HTTP p50", "HTTP p95",
                   "HTTP server CPU per search", "service p50", "service p95",
                   "service CPU per search"], [])
    summary = Table(["backend", "all queries: HTTP p50", "HTTP p95", "service p95",
                     "HTTP server CPU per search (all queries)",
                     "baseline: HTTP stylesheet p95", "baseline: SELECT 1 p95",
                     "HTTP p95 / baseline"], [])
    hits_by_backend: dict[str, dict[str, int]] = {}
    for label, url in backends:
        hits_by_backend[label] = _measure(ctx, label, url, rounds, section, table, summary)
    if len(hits_by_backend) == 2:
        fewer = [name for name, hits in hits_by_backend["PostgreSQL"].items()
                 if hits < hits_by_backend["SQLite"][name]]
        section.targets.append(Target(
            "archive search: PostgreSQL finds at least what SQLite finds", "every query",
            "every query" if not fewer else f"fewer for {', '.join(fewer)}", not fewer))
    section.tables += [summary, table]
    return section


def _measure(ctx: Context, label: str, url: str, rounds: int, section: Section, table: Table,
             summary: Table) -> dict[str, int]:
    """Seed one database, time the mix in-process and over HTTP; (query, hits)."""
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
    per_query: dict[str, tuple[int, list[float], float]] = {}
    for name, filters in QUERIES:
        timings, hits = [], 0
        with CpuMeter(None, url) as meter:
            while _more(timings, rounds):
                with database.transaction(write=False) as db:
                    began = time.perf_counter()
                    hits = search_archive(db, filters, "en").total
                    timings.append(time.perf_counter() - began)
        cpu = (meter.use.generator + meter.use.database) / len(timings)
        per_query[name] = (hits, timings, cpu)
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
        http, stylesheet = asyncio.run(_http(server.pid, server.port, rounds, url))
    http_all: list[float] = []
    http_cpu, http_count = 0.0, 0
    for name, (hits, timings, cpu) in per_query.items():
        latencies, server_cpu = http[name]
        table.rows.append([label, name, f"{hits:,}", str(len(latencies)),
                           _ms(statistics.median(latencies)), _ms(_p95(latencies)),
                           _ms(server_cpu / len(latencies)),
                           _ms(statistics.median(timings)), _ms(_p95(timings)), _ms(cpu)])
        http_all += latencies
        http_cpu, http_count = http_cpu + server_cpu, http_count + len(latencies)
    p95 = _p95(http_all)
    summary.rows.append([label, _ms(statistics.median(http_all)), _ms(p95),
                         _ms(_p95(service_all)), _ms(http_cpu / http_count),
                         _ms(_p95(stylesheet)), _ms(_p95(select_one)),
                         f"{p95 / _p95(stylesheet):.1f}×"])
    met = p95 < TARGET_P95
    slowest = max(per_query, key=lambda name: _p95(http[name][0]))
    section.targets.append(Target(
        f"archive search p95, {label} (HTTP, all queries)", "< 50 ms", _ms(p95), met,
        f"server CPU per search {_ms(http_cpu / http_count)}; slowest query: {slowest}"
        + ("" if met else f"; {p95 / TARGET_P95:.1f}× the target")))
    return {name: hits for name, (hits, _t, _c) in per_query.items()}


async def _http(pid: int, port: int, rounds: int, url: str
                ) -> tuple[dict[str, tuple[list[float], float]], list[float]]:
    """Per query: (latencies, server CPU seconds they took); and the stylesheet's latencies."""
    client = HttpClient("127.0.0.1", port, max_connections=1)
    loop = asyncio.get_running_loop()
    results: dict[str, tuple[list[float], float]] = {}
    for name, filters in QUERIES:
        call = Call("GET", f"/api/v1/archive/search?{_params(filters)}")
        await client.request(call)  # warm-up
        timings: list[float] = []
        with CpuMeter(pid, url) as meter:
            while _more(timings, rounds):
                began = loop.time()
                reply = await client.request(call)
                if reply.status != 200:
                    raise RuntimeError(
                        f"searchArchive answered {reply.status}: {reply.body[:200]!r}")
                timings.append(loop.time() - began)
        results[name] = (timings, meter.use.serving)
    stylesheet = []
    for _ in range(rounds * 3):
        began = loop.time()
        await client.request(Call("GET", "/static/asamblea.css"))
        stylesheet.append(loop.time() - began)
    await client.close()
    return results, stylesheet
