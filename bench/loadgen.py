"""An open-model HTTP load generator: requests leave at fixed times, whatever the responses.

Like wrk2, every request has an intended start time (start + i / rate), and its latency is
measured from that time, not from when a connection happened to be free: a slow server
makes latencies grow instead of quietly lowering the load (coordinated omission).

The client is a small HTTP/1.1 keep-alive client on asyncio streams, so that the generator
spends a few tens of microseconds of CPU per request rather than the millisecond of a
general-purpose client: on a two-core machine the generator competes with the server, and
its own CPU use is measured and reported (`CpuMeter`).
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import statistics
import time
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from governance.db import normalize_url


@dataclass(frozen=True)
class Call:
    """One request to make."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


@dataclass
class Reply:
    status: int  # 0 when the request failed before a response (connection error, timeout)
    headers: dict[str, str]
    body: bytes
    error: str = ""


IDLE_REUSE_SECONDS = 3.0


class HttpClient:
    """HTTP/1.1 with keep-alive to one host; at most `max_connections` open at once."""

    def __init__(self, host: str, port: int, max_connections: int = 256,
                 timeout: float = 60.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._idle: deque[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = deque()
        self._slots = asyncio.Semaphore(max_connections)
        self._host_header = f"{host}:{port}"

    async def request(self, call: Call) -> Reply:
        async with self._slots:
            try:
                return await asyncio.wait_for(self._exchange(call), self.timeout)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
                return Reply(0, {}, b"", f"{type(exc).__name__}: {exc}")

    async def _exchange(self, call: Call) -> Reply:
        while self._idle:
            reader, writer, idle_since = self._idle.pop()
            # uvicorn closes a keep-alive connection after 5 s of silence: never reuse one
            # that may be closing under us (a browser does the same).
            if time.monotonic() - idle_since < IDLE_REUSE_SECONDS and not reader.at_eof():
                break
            writer.close()
        else:
            reader, writer = await asyncio.open_connection(self.host, self.port)
        lines = [f"{call.method} {call.path} HTTP/1.1", f"Host: {self._host_header}"]
        lines += [f"{name}: {value}" for name, value in call.headers]
        if call.body or call.method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(call.body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + call.body)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            status_line, *header_lines = head[:-4].decode("latin-1").split("\r\n")
            status = int(status_line.split(" ", 2)[1])
            headers: dict[str, str] = {}
            for line in header_lines:
                name, _, value = line.partition(":")
                key = name.strip().lower()
                # Several Set-Cookie lines are kept together; nothing here needs them apart.
                headers[key] = (headers[key] + ", " if key in headers else "") + value.strip()
            if headers.get("transfer-encoding", "").lower() == "chunked":
                body = await _read_chunked(reader)
            else:
                body = await reader.readexactly(int(headers.get("content-length", "0")))
        except BaseException:
            writer.close()
            raise
        if headers.get("connection", "").lower() == "close":
            writer.close()
        else:
            self._idle.append((reader, writer, time.monotonic()))
        return Reply(status, headers, body)

    async def close(self) -> None:
        while self._idle:
            _, writer, _ = self._idle.pop()
            writer.close()


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


# ---- CPU accounting -----------------------------------------------------------------------

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, user+system CPU seconds) of a live process, from /proc (Linux)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICKS


def tree_cpu(root: int) -> float:
    """CPU seconds used so far by `root` and its live descendants (uvicorn's workers), plus
    what its exited and reaped children used. 0.0 where /proc is not available."""
    if not Path("/proc").is_dir():
        return 0.0
    stats: dict[int, tuple[int, float]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _proc_stat(int(entry))
            if stat is not None:
                stats[int(entry)] = stat
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, _) in stats.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    return sum(stats[pid][1] for pid in tree if pid in stats)


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    try:
        first = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0, 0.0
    values = [int(v) / _TICKS for v in first[:8]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def postgres_backends(url: str | None) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving `url`'s database (on this
    machine), the asking connection left out; {} for another database or none."""
    if not url or not url.startswith("postgresql"):
        return {}
    engine = create_engine(normalize_url(url), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            pids = connection.execute(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()")).scalars().all()
    finally:
        engine.dispose()
    found = {pid: _proc_stat(pid) for pid in pids}
    return {pid: stat[1] for pid, stat in found.items() if stat is not None}


@dataclass
class CpuUse:
    wall: float
    server: float  # CPU seconds of the server's process tree
    generator: float  # CPU seconds of this process (the load generator)
    machine_busy: float  # CPU seconds of every process on the machine
    cores: int
    database: float = 0.0  # CPU seconds of the PostgreSQL backends serving it (0 for SQLite)

    @property
    def serving(self) -> float:
        """The server's CPU, its database's included: what a request costs to answer."""
        return self.server + self.database

    def share(self, seconds: float) -> str:
        """CPU seconds as a share of one core during the wall time."""
        return f"{seconds / self.wall:.0%}" if self.wall > 0 else "n/a"

    @property
    def others(self) -> float:
        return max(0.0, self.machine_busy - self.server - self.generator - self.database)


class CpuMeter:
    """Measures the server's (with its PostgreSQL backends, given `database_url`), the
    generator's and everyone else's CPU over a block."""

    def __init__(self, server_pid: int | None, database_url: str | None = None) -> None:
        self.server_pid, self.database_url = server_pid, database_url

    def __enter__(self) -> CpuMeter:
        self._backends = postgres_backends(self.database_url)
        self._start = (time.perf_counter(), self._server(), self_cpu(), machine_cpu()[0])
        return self

    def __exit__(self, *_: object) -> None:
        wall0, server0, gen0, busy0 = self._start
        wall, server, gen, busy = (time.perf_counter(), self._server(), self_cpu(),
                                   machine_cpu()[0])
        # A backend that appeared during the block spent all its CPU in it.
        database = sum(cpu - self._backends.get(pid, 0.0)
                       for pid, cpu in postgres_backends(self.database_url).items())
        self.use = CpuUse(wall=wall - wall0, server=server - server0, generator=gen - gen0,
                          machine_busy=busy - busy0, cores=os.cpu_count() or 1,
                          database=database)

    def _server(self) -> float:
        return tree_cpu(self.server_pid) if self.server_pid else 0.0


# ---- an open-model run ----------------------------------------------------------------------


@dataclass
class Outcome:
    """What a run at a fixed arrival rate gave."""

    offered_rate: float
    sent: int
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)  # of the expected responses
    first_sent: float = 0.0
    last_done: float = 0.0
    replies: list[Reply] = field(default_factory=list)
    lateness: float = 0.0  # how far behind schedule the generator itself fell, at worst

    def ok(self, expected: int) -> int:
        return self.statuses.get(expected, 0)

    def throughput(self, expected: int) -> float:
        span = self.last_done - self.first_sent
        return self.ok(expected) / span if span > 0 else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]

    @property
    def median(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")

    def failures(self, expected: int) -> int:
        return self.sent - self.ok(expected)


async def open_model(client: HttpClient, calls: Sequence[Call], rate: float, *,
                     expected: int, keep_replies: bool = False) -> Outcome:
    """Send `calls` at `rate` per second, each at its own scheduled time."""
    loop = asyncio.get_running_loop()
    outcome = Outcome(offered_rate=rate, sent=len(calls))
    start = loop.time() + 0.02
    outcome.first_sent = start
    replies: list[Reply | None] = [None] * len(calls)

    async def one(index: int, call: Call, due: float) -> None:
        reply = await client.request(call)
        done = loop.time()
        outcome.statuses[reply.status] += 1
        if reply.error:
            outcome.errors[reply.error.split(":")[0]] += 1
        elif reply.status != expected:
            outcome.errors[f"HTTP {reply.status}: {_error_code(reply.body)}"] += 1
        if reply.status == expected:
            outcome.latencies.append(done - due)
        outcome.last_done = max(outcome.last_done, done)
        if keep_replies:
            replies[index] = reply

    tasks = []
    for index, call in enumerate(calls):
        due = start + index / rate
        delay = due - loop.time()
        if delay > 0.0005:
            await asyncio.sleep(delay)
        else:
            outcome.lateness = max(outcome.lateness, -delay)
        tasks.append(asyncio.create_task(one(index, call, due)))
    await asyncio.gather(*tasks)
    if keep_replies:
        outcome.replies = [r for r in replies if r is not None]
    return outcome


async def closed_model(client: HttpClient, calls: Sequence[Call], connections: int, *,
                       expected: int) -> Outcome:
    """Send `calls` over `connections` connections, each sending its next request as soon as
    the previous one is answered (as wrk does): the server's capacity at that concurrency.
    Latency counts from each request's sending."""
    loop = asyncio.get_running_loop()
    outcome = Outcome(offered_rate=0.0, sent=len(calls))
    outcome.first_sent = loop.time()
    pending = iter(calls)

    async def connection() -> None:
        for call in pending:
            began = loop.time()
            reply = await client.request(call)
            done = loop.time()
            outcome.statuses[reply.status] += 1
            if reply.error:
                outcome.errors[reply.error.split(":")[0]] += 1
            elif reply.status != expected:
                outcome.errors[f"HTTP {reply.status}: {_error_code(reply.body)}"] += 1
            if reply.status == expected:
                outcome.latencies.append(done - began)
            outcome.last_done = max(outcome.last_done, done)

    await asyncio.gather(*(connection() for _ in range(connections)))
    return outcome


def _error_code(body: bytes) -> str:
    try:
        return str(json.loads(body)["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return body[:80].decode(errors="replace")


def json_call(method: str, path: str, payload: Any = None, token: str | None = None) -> Call:
    headers: list[tuple[str, str]] = []
    body = b""
    if payload is not None:
        body = json.dumps(payload).encode()
        headers.append(("Content-Type", "application/json"))
    if token:
        headers.append(("Authorization", f"Bearer {token}"))
    return Call(method, path, tuple(headers), body)
