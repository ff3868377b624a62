"""`asamblea verify PATH`: verify an audit bundle offline (API.md §1 and §3).

A secret poll's bundle (it has poll.json; docs/e2e-protocol.md §11) is recognized and
checked with `ballots.e2e.verify`, its ballots on one process per core.

Exit status: 0 when every check holds, 1 when any fails (each failure is printed with its
reason), 2 when PATH cannot be read as a bundle (a one-line error on stderr).
Runs with nothing but `ballots/`, `cryptography` and `rfc8785` installed:
`python -m ballots verify PATH`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from ballots.bundle import BundleError
from ballots.e2e.bundle import is_secret_bundle
from ballots.e2e.ledger_check import default_workers
from ballots.e2e.verify import verify_secret_bundle
from ballots.minutes import is_minutes, read_minutes, verify_minutes
from ballots.verify import Report, verify_bundle


def _marks(stream: TextIO) -> tuple[str, str]:
    # A terminal that cannot print ✓/✗ (e.g. an ASCII-only locale) gets words instead.
    try:
        "✓✗".encode(stream.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return "OK  ", "FAIL"
    return "✓", "✗"


class _Printable:
    """Writes to a stream, replacing what its encoding cannot show (a poll title in Spanish
    on an ASCII-only terminal must not crash the verifier)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.encoding = stream.encoding or "ascii"

    def write(self, text: str) -> int:
        try:
            safe = text.encode(self.encoding, "replace").decode(self.encoding)
        except LookupError:
            safe = text
        return self.stream.write(safe)

    def flush(self) -> None:
        self.stream.flush()


def _print_text(path: str, report: Report, stream: TextIO) -> None:
    good, bad = _marks(stream)
    out = _Printable(stream)
    print(f"Audit bundle: {path}", file=out)
    _print_checks(report, out, good, bad)
    title = report.poll_title if report.poll_title is not None else "?"
    print(
        f"Poll:       {title} (id {report.poll_id if report.poll_id is not None else '?'})",
        file=out,
    )
    print(f"Tree size:  {report.tree_size if report.tree_size is not None else '?'}", file=out)
    print(f"Root:       {report.root or '?'}", file=out)
    quorum = {True: "quorum met", False: "quorum not met", None: "quorum ?"}[report.quorum_met]
    print(f"Outcome:    {report.outcome or '?'} ({quorum})", file=out)
    _print_verdict(report, out)


def _print_checks(report: Report, out: _Printable, good: str, bad: str) -> None:
    width = max(len(check.name) for check in report.checks)
    for check in report.checks:
        print(f"  {good if check.ok else bad} {check.name:<{width}}  {check.reason}", file=out)


def _print_verdict(report: Report, out: _Printable) -> None:
    failed = len(report.failed)
    if failed:
        print(f"INVALID: {failed} of {len(report.checks)} checks failed", file=out)
    else:
        print(f"VALID: all {len(report.checks)} checks passed", file=out)


def _print_minutes(path: str, report: Report, stream: TextIO, as_json: bool) -> None:
    """A minutes package's report: its checks (no poll, ledger or outcome)."""
    out = _Printable(stream)
    if as_json:
        document = {"ok": report.ok, "kind": "minutes", "checks": [
            {"name": c.name, "ok": c.ok, "reason": c.reason} for c in report.checks]}
        print(json.dumps(document, ensure_ascii=False, indent=2), file=out)
        return
    good, bad = _marks(stream)
    print(f"Minutes: {path}", file=out)
    _print_checks(report, out, good, bad)
    _print_verdict(report, out)


def _print_json(report: Report, stream: TextIO) -> None:
    out = _Printable(stream)
    document = {
        "ok": report.ok,
        "checks": [{"name": c.name, "ok": c.ok, "reason": c.reason} for c in report.checks],
        "poll": {"id": report.poll_id, "title": report.poll_title},
        "ledger": {"tree_size": report.tree_size, "root": report.root},
        "outcome": report.outcome,
        "quorum_met": report.quorum_met,
    }
    print(json.dumps(document, ensure_ascii=False, indent=2), file=out)


def main(argv: list[str] | None = None) -> int:
    """Run `asamblea verify`; `argv` is the arguments after "verify" (PATH [--json]).

    Returns the exit status: 0 valid, 1 invalid, 2 unreadable PATH.
    """
    parser = argparse.ArgumentParser(
        prog="asamblea verify",
        description="Verify an Asamblea audit bundle, or signed minutes, offline."
    )
    parser.add_argument("path", metavar="PATH",
                        help="bundle or minutes package: a directory or a .zip")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="processes that check a secret poll's ballots (default: one per core)",
    )
    args = parser.parse_args(argv)
    if is_minutes(args.path):
        try:
            minutes = verify_minutes(read_minutes(args.path))
        except BundleError as exc:
            print(f"asamblea verify: error: {exc}", file=sys.stderr)
            return 2
        _print_minutes(args.path, minutes, sys.stdout, args.json)
        return 0 if minutes.ok else 1
    try:
        if is_secret_bundle(args.path):
            report = verify_secret_bundle(args.path, workers=args.workers or default_workers())
        else:
            report = verify_bundle(args.path)
    except BundleError as exc:
        print(f"asamblea verify: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        _print_json(report, sys.stdout)
    else:
        _print_text(args.path, report, sys.stdout)
    return 0 if report.ok else 1
