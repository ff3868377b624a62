"""`python -m bench`: run the benchmarks and write docs/benchmarks.md.

    python -m bench                 # everything (ten to fifteen minutes on two cores)
    BENCH_QUICK=1 python -m bench   # fewer runs, a shorter voting load (a minute or two)
    python -m bench --only close,verify --out /tmp/b.md

PostgreSQL runs happen when ASAMBLEA_BENCH_DATABASE_URL names a database the benchmarks may
wipe (every table in it is dropped and recreated by migrations).
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench import report
from bench.common import ROOT, Context, Section, load_average, machine

# (key, module, title): in the order of the issue, except that the pure benchmarks run
# first, while the machine is quietest.
BENCHMARKS = (
    ("close", "bench.close", "3. Closing a poll"),
    ("close_db", "bench.close_db", "3b. Closing a poll from the database"),
    ("verify", "bench.verify", "4. Verifying an audit bundle"),
    ("e2e", "bench.e2e", "7. Secret polls (encrypted ballots)"),
    ("archive", "bench.archive", "6. Searching the archive"),
    ("voting", "bench.voting", "1, 2, 5. Logins, casting, turnout and the voting page"),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        default=os.environ.get("BENCH_QUICK", "") not in ("", "0"),
                        help="fewer runs and a shorter load (also BENCH_QUICK=1)")
    parser.add_argument("--only", default="", help="comma-separated keys: "
                        + ", ".join(key for key, _, _ in BENCHMARKS))
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args(argv)
    only = frozenset(filter(None, args.only.split(",")))
    unknown = only - {key for key, _, _ in BENCHMARKS}
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    scratch = Path(tempfile.mkdtemp(prefix="asamblea-bench-"))
    ctx = Context(quick=args.quick, scratch=scratch, runs=3 if args.quick else 5,
                  postgres_url=os.environ.get("ASAMBLEA_BENCH_DATABASE_URL") or None,
                  only=only)
    started = time.perf_counter()
    load_before = load_average()
    about = machine(ctx)
    sections: list[Section] = []
    skipped: list[tuple[str, str]] = []
    try:
        for key, module_name, title in BENCHMARKS:
            if only and key not in only:
                continue
            module = importlib.import_module(module_name)
            ctx.log(f"== {title}")
            begun = time.perf_counter()
            result = module.run(ctx)
            if isinstance(result, Section):
                result.seconds = time.perf_counter() - begun
                sections.append(result)
            else:  # a benchmark that cannot run here says why
                skipped.append((title, str(result)))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    command = "make bench" + (" BENCH_QUICK=1" if args.quick else "")
    if only:
        command = f"python -m bench --only {args.only}" + (" --quick" if args.quick else "")
    text = report.render(
        when=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), command=command,
        duration=time.perf_counter() - started, machine=about, load_before=load_before,
        load_after=load_average(), sections=sections, skipped=skipped)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    ctx.log(f"wrote {out} in {(time.perf_counter() - started) / 60:.1f} minutes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
