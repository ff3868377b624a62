"""4. `asamblea verify` of real audit bundles of 1,000 / 10,000 / 100,000 ballots.

Bundles are written with `ballots.bundle.write_bundle` from a signed synthetic result, then
verified twice over: in-process (`ballots.verify.verify_bundle(DIR)`, reading included) and
as the auditor runs it (`python -m ballots verify DIR`, a fresh interpreter each time).
Baseline: reading the bundle's files and SHA-256 over their bytes, in the same run; the
fixed cost of starting Python and importing the verifier is reported on its own line.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from ballots import signing
from ballots.bundle import write_bundle
from ballots.canonical import canonical_json
from ballots.result import build_result
from ballots.verify import verify_bundle
from bench.common import (
    ROOT,
    Context,
    Section,
    Table,
    Target,
    Timing,
    count,
    ratio,
    seconds,
    shortfall,
    timed,
    timed_command,
)
from bench.synthetic import ASSEMBLY, CLOSED_AT, OPENED_AT, SyntheticPoll, poll_of

SIZES = (1_000, 10_000, 100_000)
TARGET_SIZE, TARGET_SECONDS = 100_000, 2.0


def write(poll: SyntheticPoll, dest: Path) -> Path:
    key = signing.generate_private_key()
    result = build_result(
        assembly=ASSEMBLY, spec=poll.spec, poll_id=1, poll_title="Moción GA-2026-07",
        roll=poll.roll, roll_bytes=poll.roll_bytes, ballots=poll.ballots,
        ledger_root_hex=poll.root, opened_at=OPENED_AT, closed_at=CLOSED_AT,
        signing_key_fingerprint=signing.fingerprint(key.public_key()),
    )
    data = canonical_json(result)
    return write_bundle(dest, result_json=data, signature=signing.sign(key, data),
                        public_key_pem=signing.public_key_pem(key.public_key()),
                        roll_jsonl=poll.roll_bytes, ballots_jsonl=poll.ballots_jsonl)


def read_and_hash(directory: Path) -> int:
    total = 0
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            hashlib.sha256(data).digest()
            total += len(data)
    return total


def run(ctx: Context) -> Section:
    section = Section(
        key="verify", title="4. Verifying an audit bundle (`asamblea verify`)",
        method=("Bundles written by `ballots.bundle.write_bundle` (a signed result over the "
                "synthetic roll and ballots). `verify_bundle(DIR)` in this process, and "
                "`python -m ballots verify DIR` as a subprocess (interpreter start and "
                "imports included; its CPU is the child's user+system time). Baseline: "
                "reading the bundle's files and SHA-256 over all their bytes. "
                f"Median of {ctx.runs} runs after a warm-up."),
    )
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    startup = timed_command([sys.executable, "-c", "import ballots.verify_cli"], ctx.runs,
                            env=env)
    table = Table(["ballots", "bundle size", "verify_bundle (median)", "CPU",
                   "`python -m ballots verify`", "its CPU", "read + SHA-256 baseline",
                   "ratio in-process", "ratio CLI"], [])
    for size in SIZES:
        poll = poll_of(ctx, size)
        ctx.log(f"verify: {size:,} ballots")
        cli = _measure(ctx, write(poll, ctx.scratch / f"bundle-{size}"), env, table)
        if size == TARGET_SIZE:
            met = cli.median < TARGET_SECONDS
            section.targets.append(Target(
                label="verify a bundle of 100,000 ballots (CLI, start-up included)",
                wanted=f"< {TARGET_SECONDS:.0f} s",
                measured=f"{seconds(cli.median)} (CPU {seconds(cli.cpu_median)})",
                met=met,
                note="" if met else shortfall(cli, TARGET_SECONDS)))
    table.caption = (f"Starting Python and importing the verifier alone takes "
                     f"{seconds(startup.median)} (median), included in the CLI column.")
    section.tables.append(table)
    return section


def _measure(ctx: Context, directory: Path, env: dict[str, str], table: Table) -> Timing:
    """One row of the table; returns the CLI's timing."""
    report = verify_bundle(directory)
    if not report.ok:
        raise RuntimeError(f"the bundle {directory} does not verify: {report.failed}")
    size = report.tree_size or 0
    baseline = timed(lambda: read_and_hash(directory), ctx.runs * 3)
    inproc = timed(lambda: verify_bundle(directory), ctx.runs)
    cli = timed_command([sys.executable, "-m", "ballots", "verify", str(directory)], ctx.runs,
                        env=env)
    table.rows.append([
        count(size), f"{read_and_hash(directory) / 1e6:.1f} MB", seconds(inproc.median),
        seconds(inproc.cpu_median), seconds(cli.median), seconds(cli.cpu_median),
        seconds(baseline.median), ratio(inproc.median, baseline.median),
        ratio(cli.median, baseline.median)])
    return cli
