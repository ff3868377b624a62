"""`python -m ballots verify PATH`: the auditor's entry point without the application."""

from __future__ import annotations

import sys

from ballots import verify_cli


def main(argv: list[str] | None = None) -> int:
    """Dispatch `verify` to `ballots.verify_cli.main`; anything else prints usage (exit 2)."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "verify":
        return verify_cli.main(args[1:])
    print("usage: python -m ballots verify PATH [--json]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
