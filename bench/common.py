"""What every benchmark shares: timing (median of runs, wall and CPU), the report's data
shapes, and the description of the machine the numbers came from.

Benchmarks are not tests: nothing here asserts a time. A target that is missed is reported
as missed, with by how much.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Context:
    """Options of one `python -m bench` run, and a scratch directory it owns."""

    quick: bool
    scratch: Path
    postgres_url: str | None
    runs: int  # repetitions of each timed step (the report gives the median)
    only: frozenset[str] = frozenset()
    shared: dict[str, Any] = field(default_factory=dict)  # data built once, used by several

    def log(self, message: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Timing:
    """Repeated measurements of one step: wall-clock and CPU seconds per run."""

    wall: tuple[float, ...]
    cpu: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    @property
    def best(self) -> float:
        return min(self.wall)


def timed(step: Callable[[], object], runs: int, *, warmup: int = 1) -> Timing:
    """Run `step` `warmup` times untimed, then `runs` times; wall and process CPU time."""
    for _ in range(warmup):
        step()
    wall, cpu = [], []
    for _ in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        step()
        w1, c1 = time.perf_counter(), time.process_time()
        wall.append(w1 - w0)
        cpu.append(c1 - c0)
    return Timing(tuple(wall), tuple(cpu))


def children_cpu() -> float:
    """User + system CPU seconds of every child process waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_command(argv: Sequence[str], runs: int, *, env: dict[str, str] | None = None,
                  expect: int = 0) -> Timing:
    """Run a command `runs` times (after one warm-up); wall time and the child's CPU time."""
    def once() -> tuple[float, float]:
        c0, w0 = children_cpu(), time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, check=False)  # noqa: S603
        w1, c1 = time.perf_counter(), children_cpu()
        if done.returncode != expect:
            raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: "
                               f"{done.stderr.decode(errors='replace')[-2000:]}")
        return w1 - w0, c1 - c0

    once()
    measured = [once() for _ in range(runs)]
    return Timing(tuple(w for w, _ in measured), tuple(c for _, c in measured))


# ---- the report's data -------------------------------------------------------------------


@dataclass
class Target:
    """One target of the issue: what was asked, what was measured, whether it was met."""

    label: str
    wanted: str
    measured: str
    met: bool | None  # None: not measured
    note: str = ""  # when missed: by how much, what limits it, what would lift it


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass
class Section:
    """The report of one benchmark."""

    key: str
    title: str
    method: str  # how it was measured, in a sentence or two
    tables: list[Table] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0  # how long the benchmark itself took to run


def shortfall(timing: Timing, target: float, what: str = "") -> str:
    """Why a time target was missed: by how much, and whether the CPU alone would meet it
    (then the rest was waiting for other work on a shared machine)."""
    text = f"{timing.median / target:.1f}× the target" + (f"; {what}" if what else "")
    if timing.cpu_median < target:
        text += (f"; its own CPU time ({seconds(timing.cpu_median)}) is under the target: the "
                 f"rest was waiting for a core (see the load average)")
    return text


def seconds(value: float) -> str:
    """A duration in the unit that reads best."""
    if value < 0.001:
        return f"{value * 1e6:.0f} µs"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def ratio(value: float, baseline: float) -> str:
    if baseline <= 0:
        return "n/a"
    r = value / baseline
    return f"{r:.2f}×" if r < 100 else f"{r:.0f}×"


def count(n: int) -> str:
    return f"{n:,}"


# ---- the machine --------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram() -> str:
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        return f"{pages * size / 2**30:.1f} GiB"
    except (ValueError, OSError, AttributeError):
        return "unknown"


def _cores() -> str:
    logical = os.cpu_count() or 0
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = logical
    return f"{usable}" if usable == logical else f"{usable} usable of {logical}"


def _version(package: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _git() -> str:
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--",
                                "ballots", "governance", "templates", "migrations"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return head + (" (with uncommitted changes to the app)" if dirty else "")


def postgres_version(url: str) -> str:
    from sqlalchemy import create_engine, text

    from governance.db import normalize_url

    engine = create_engine(normalize_url(url))
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar())
    finally:
        engine.dispose()


def machine(ctx: Context) -> list[tuple[str, str]]:
    """What the report's readers need to judge the numbers."""
    import sqlite3

    rows = [
        ("CPU", _cpu_model()),
        ("cores", _cores()),
        ("RAM", _ram()),
        ("OS", platform.platform()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("SQLite", sqlite3.sqlite_version),
    ]
    if ctx.postgres_url:
        try:
            rows.append(("PostgreSQL", postgres_version(ctx.postgres_url)))
        except Exception as exc:  # noqa: BLE001 - reported, and the PostgreSQL runs skipped
            rows.append(("PostgreSQL", f"not reachable ({type(exc).__name__})"))
            ctx.postgres_url = None
    else:
        rows.append(("PostgreSQL", "not configured (set ASAMBLEA_BENCH_DATABASE_URL)"))
    libraries = ", ".join(f"{name} {_version(name)}" for name in (
        "starlette", "uvicorn", "sqlalchemy", "psycopg", "argon2-cffi", "cryptography",
        "rfc8785", "httpx2"))
    rows.append(("libraries", libraries))
    rows.append(("code", _git()))
    return rows


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"
