"""3. Closing a poll: tally, outcome, ledger root and signature, from ballots in memory.

What `governance.results.services.sealer` does once the rows are loaded: the roll's bytes,
the RFC 6962 root over the ballot lines, `build_result` (which re-derives the roll's bytes,
recounts and decides), then the Ed25519 signature of the canonical result.
Baseline: SHA-256 of the same ballot lines' bytes (ballots.jsonl), in the same run.
"""

from __future__ import annotations

import hashlib

from ballots import signing
from ballots.canonical import canonical_json
from ballots.result import build_result, ledger_root, roll_lines
from ballots.tally import decide, tally
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
    timed,
)
from bench.synthetic import ASSEMBLY, CLOSED_AT, OPENED_AT, SyntheticPoll, poll_of

SIZES = (1_000, 10_000, 100_000)
TARGET_SIZE, TARGET_SECONDS = 100_000, 2.0


def close(poll: SyntheticPoll, key: signing.Ed25519PrivateKey, fingerprint: str) -> bytes:
    roll_bytes = roll_lines(poll.roll)
    result = build_result(
        assembly=ASSEMBLY, spec=poll.spec, poll_id=1, poll_title="Moción GA-2026-07",
        roll=poll.roll, roll_bytes=roll_bytes, ballots=poll.ballots,
        ledger_root_hex=ledger_root(poll.lines), opened_at=OPENED_AT, closed_at=CLOSED_AT,
        signing_key_fingerprint=fingerprint,
    )
    data = canonical_json(result)
    return signing.sign(key, data)


def run(ctx: Context) -> Section:
    key = signing.generate_private_key()
    fingerprint = signing.fingerprint(key.public_key())
    section = Section(
        key="close", title="3. Closing a poll (tally, outcome, ledger root, signature)",
        method=("`ballots.result.build_result` on a synthetic roll and ballots shaped like the "
                "app's (every voting right votes once, one in ten splits its weight), plus "
                "the roll's bytes, the RFC 6962 root and the Ed25519 signature of the "
                "canonical result. Baseline: SHA-256 of the same ballots.jsonl bytes. "
                f"Median of {ctx.runs} runs after a warm-up; CPU is this process's CPU time."),
    )
    main = Table(["ballots", "close (median)", "CPU", "best", "SHA-256 baseline",
                  "ratio to baseline", "ballots/s"], [])
    parts = Table(["ballots", "roll bytes", "ledger root", "tally + decide", "build_result",
                   "sign"], [], caption="Where the time goes (medians of each step alone):")
    for size in SIZES:
        ctx.log(f"close: {size:,} ballots")
        whole = _measure(ctx, poll_of(ctx, size), key, fingerprint, main, parts)
        if size == TARGET_SIZE:
            met = whole.median < TARGET_SECONDS
            section.targets.append(Target(
                label="close a poll of 100,000 ballots", wanted=f"< {TARGET_SECONDS:.0f} s",
                measured=f"{seconds(whole.median)} (CPU {seconds(whole.cpu_median)})", met=met,
                note="" if met else shortfall(whole, TARGET_SECONDS, "see the breakdown")))
    section.tables += [main, parts]
    section.notes.append(
        "The database-backed close (loading the ballots from SQLite first) is measured "
        "separately, in “Closing a poll from the database”.")
    return section


def _measure(ctx: Context, poll: SyntheticPoll, key: signing.Ed25519PrivateKey,
             fingerprint: str, main: Table, parts: Table) -> Timing:
    size = len(poll.lines)
    baseline = timed(lambda: hashlib.sha256(poll.ballots_jsonl).digest(), ctx.runs * 3)
    whole = timed(lambda: close(poll, key, fingerprint), ctx.runs)
    main.rows.append([count(size), seconds(whole.median), seconds(whole.cpu_median),
                      seconds(whole.best), seconds(baseline.median),
                      ratio(whole.median, baseline.median), count(round(size / whole.median))])
    steps = {
        "roll": lambda: roll_lines(poll.roll),
        "root": lambda: ledger_root(poll.lines),
        "tally": lambda: decide(poll.spec, poll.roll, tally(poll.spec, poll.roll, poll.ballots)),
        "build": lambda: build_result(
            assembly=ASSEMBLY, spec=poll.spec, poll_id=1, poll_title="x", roll=poll.roll,
            roll_bytes=poll.roll_bytes, ballots=poll.ballots, ledger_root_hex=poll.root,
            opened_at=OPENED_AT, closed_at=CLOSED_AT, signing_key_fingerprint=fingerprint),
        # The result object is a few kilobytes whatever the number of ballots.
        "sign": lambda: signing.sign(key, poll.ballots_jsonl[:4000]),
    }
    parts.rows.append([count(size)] + [seconds(timed(step, ctx.runs).median)
                                       for step in steps.values()])
    return whole
