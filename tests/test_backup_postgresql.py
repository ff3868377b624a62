"""PostgreSQL backups as docs/operations.md describes them: `pg_dump -Fc` of the live database,
`pg_restore` into a new one, then `asamblea verify-results` on the copy re-verifies every
signed result and the audit trail; a copy altered afterwards fails that check."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from sqlalchemy import func, text, update
from sqlalchemy.engine import make_url

from governance.db import Database, utcnow
from governance.polls import services as polls
from governance.polls.models import Ballot
from governance.results.services import sealer
from tests.factories_polls import ACTOR, assembly_in_session, ensure_key, open_poll

pytestmark = pytest.mark.slow


@pytest.fixture
def postgresql(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("pg_dump and pg_restore need PostgreSQL: set ASAMBLEA_TEST_DATABASE_URL")
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed (Debian: apt install "
                    "postgresql-client)")


def _libpq(url: str) -> str:
    """The URL as pg_dump reads it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _cli(*args: str, url: str, settings: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LC_ALL": "C.UTF-8", "ASAMBLEA_DATABASE_URL": url,
           "ASAMBLEA_DATA_DIR": str(settings.data_dir)}  # type: ignore[attr-defined]
    return subprocess.run([sys.executable, "-m", "governance.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_pg_dump_and_pg_restore_keep_every_signed_result_verifiable(
        postgresql, database, settings, tmp_path):
    ensure_key(settings)
    with database.transaction() as db:
        session = assembly_in_session(db, settings, [10, 20, 30])
        for choice in ("yes", "no"):
            poll_id = open_poll(db, session.assembly_id, title=f"Moción {choice}")
            for delegation in session.delegations:
                polls.cast_ballot(db, poll_id, delegate_id=delegation.delegate_id,
                                  payload={"choice": choice}, now=utcnow())
            polls.close_poll(db, sealer(settings), poll_id, ACTOR, utcnow())
    dump = tmp_path / "asamblea.dump"
    made = subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}",
                           _libpq(settings.database_url)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert made.returncode == 0, made.stderr

    scratch_name = make_url(settings.database_url).database + "_restored"
    scratch = make_url(settings.database_url).set(database=scratch_name)
    admin = Database(settings.database_url)
    with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch_name}"'))
        connection.execute(text(f'CREATE DATABASE "{scratch_name}"'))
    copy = None
    try:
        url = scratch.render_as_string(hide_password=False)
        restored = subprocess.run(["pg_restore", "--no-owner", f"--dbname={_libpq(url)}",
                                   str(dump)], capture_output=True, text=True, timeout=120,
                                  check=False)
        assert restored.returncode == 0, restored.stderr
        checked = _cli("verify-results", url=url, settings=settings)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "2 of 2 signed results verify." in checked.stdout
        assert "The audit trail is whole" in checked.stdout
        assert _cli("db", "check", url=url, settings=settings).returncode == 0

        copy = Database(url)  # a copy altered after the fact no longer verifies
        with copy.transaction() as db:
            db.execute(update(Ballot).values(line=func.replace(Ballot.line, '"no"', '"yes"')))
        altered = _cli("verify-results", url=url, settings=settings)
        assert altered.returncode == 1
        assert "1 of 2 signed results verify." in altered.stdout
    finally:
        if copy is not None:
            copy.dispose()
        with admin.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch_name}" WITH (FORCE)'))
        admin.dispose()
