"""`asamblea backup` and `asamblea restore` on SQLite; the restored database re-verifies every
signed result it holds."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import func, update

from governance import migrate
from governance.backup import sqlite_path, verify_results
from governance.db import Database, utcnow
from governance.errors import InvalidInput
from governance.polls import services as polls
from governance.polls.models import Ballot
from governance.results.services import sealer
from governance.settings import Settings
from tests.conftest import FAST_HASHING
from tests.factories_polls import ACTOR, assembly_in_session, ensure_key, open_poll


def run(*args, cwd, env):
    return subprocess.run([sys.executable, "-m", "governance.cli", *args], cwd=cwd,
                          env={**os.environ, "LC_ALL": "C.UTF-8", **env}, capture_output=True,
                          text=True, timeout=120, check=False)


def test_backup_restore_and_results_verify(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    settings = Settings(database_url=url, data_dir=tmp_path / "data", secure_cookies=False,
                        password_hashing=FAST_HASHING, credential_hashing=FAST_HASHING)
    migrate.upgrade(url)
    ensure_key(settings)
    database = Database(url)
    with database.transaction() as db:
        s = assembly_in_session(db, settings, [10, 20])
        poll_id = open_poll(db, s.assembly_id)
        polls.cast_ballot(db, poll_id, delegate_id=s.delegations[0].delegate_id,
                          payload={"choice": "yes"}, now=utcnow())
        polls.close_poll(db, sealer(settings), poll_id, ACTOR, utcnow())
    env = {"ASAMBLEA_DATABASE_URL": url, "ASAMBLEA_DATA_DIR": str(settings.data_dir)}
    made = run("backup", "copy.db", cwd=tmp_path, env=env)
    assert made.returncode == 0, made.stderr
    assert run("backup", "copy.db", cwd=tmp_path, env=env).returncode == 1  # never overwrites

    with database.transaction() as db:  # someone rewrites a ballot in the live database
        db.execute(update(Ballot).where(Ballot.poll_id == poll_id).values(
            line=func.replace(Ballot.line, "\"yes\"", "\"no\"")))
    with database.transaction(write=False) as db:
        assert not verify_results(db, settings)[0].ok
    database.dispose()

    restored = run("restore", "copy.db", cwd=tmp_path, env=env)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "1 of 1 signed results verify." in restored.stdout



def test_backup_refuses_postgresql_urls():
    with pytest.raises(InvalidInput):
        sqlite_path("postgresql+psycopg://postgres@127.0.0.1/test")
