"""Backups of a SQLite database with its online backup API (a consistent copy while the app
keeps serving), restores, and re-verification of every signed result a database holds.

PostgreSQL is backed up with its own tools (`pg_dump`, see docs/operations.md).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from ballots.bundle import Bundle
from ballots.verify import verify_bundle
from governance import errors
from governance.polls.models import Poll
from governance.results import services as results
from governance.settings import Settings


@dataclass(frozen=True)
class ResultCheck:
    poll_id: int
    title: str
    ok: bool
    failures: list[str]


def sqlite_path(database_url: str) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise errors.InvalidInput(
            "Backup and restore work on a SQLite file; for PostgreSQL use pg_dump and "
            "pg_restore (docs/operations.md).", code="not_sqlite")
    return Path(url.database)


def _copy(source: Path, target: Path) -> None:
    # sqlite3's own context manager commits but does not close; closing() does.
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def backup(database_url: str, target: Path) -> None:
    source = sqlite_path(database_url)
    if not source.exists():
        raise errors.NotFound("There is no database at %(path)s.", path=str(source))
    if target.exists():
        raise errors.Conflict("%(path)s exists already; choose a new file.", path=str(target))
    _copy(source, target)


def restore(database_url: str, source: Path) -> None:
    """Replace the database with a backup (the app must be stopped)."""
    target = sqlite_path(database_url)
    if not source.exists():
        raise errors.NotFound("There is no backup at %(path)s.", path=str(source))
    with closing(sqlite3.connect(source)) as check:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise errors.InvalidInput("The backup file is damaged.", code="bad_backup")
    for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)
    _copy(source, target)


def verify_results(db: Session, settings: Settings) -> list[ResultCheck]:
    """Rebuild and verify the audit bundle of every closed poll in the database."""
    checks = []
    for poll in db.scalars(select(Poll).where(Poll.state == "closed").order_by(Poll.id)):
        report = verify_bundle(Bundle(**results.bundle_files(db, settings, poll.id)))
        checks.append(ResultCheck(poll.id, poll.title, report.ok,
                                  [f"{c.name}: {c.reason}" for c in report.checks if not c.ok]))
    return checks
