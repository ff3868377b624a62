"""A server killed with SIGKILL in the middle of voting loses no acknowledged ballot: every
receipt returned before the kill is in the ledger exactly once after a restart (SQLite and
PostgreSQL alike: this uses the test database URL)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import func, select

from governance.polls.models import Ballot
from tests.factories_polls import assembly_in_session, ensure_key, open_poll

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(settings, port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ASAMBLEA_DATABASE_URL": settings.database_url,
           "ASAMBLEA_DATA_DIR": str(settings.data_dir), "ASAMBLEA_CHECKPOINT_SECONDS": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "governance.cli", "serve", "--port", str(port),
         "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=1).is_success:
                return process
        except httpx2.TransportError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("the server did not start")


def vote_until_killed(base: str, session, poll_id: int, process, kill_after: int) -> list[str]:
    """Delegates vote from 8 threads; the server is killed after `kill_after` receipts."""
    receipts: list[str] = []
    lock = threading.Lock()

    def delegate(indexes: list[int]) -> None:
        with httpx2.Client(base_url=base, timeout=10) as http:
            for index in indexes:
                try:
                    login = http.post("/api/v1/login", json={
                        "credential": session.delegations[index].credential})
                    token = login.json()["token"]
                    cast = http.post(f"/api/v1/polls/{poll_id}/ballots",
                                     headers={"Authorization": f"Bearer {token}"},
                                     json={"choice": "yes" if index % 3 else "no"})
                except (httpx2.TransportError, ValueError, KeyError):
                    return  # the server is gone
                if cast.status_code == 201:
                    with lock:
                        receipts.append(cast.json()["receipt"])
                        if len(receipts) == kill_after:
                            process.send_signal(signal.SIGKILL)

    count = len(session.delegations)
    threads = [threading.Thread(target=delegate, args=(list(range(i, count, 8)),))
               for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return receipts


@pytest.mark.parametrize("run", [1, 2])
def test_sigkill_loses_no_acknowledged_ballot(database, settings, run):
    ensure_key(settings)
    with database.transaction() as db:
        session = assembly_in_session(db, settings, [10] * 120)
        poll_id = open_poll(db, session.assembly_id)
    port = free_port()
    process = start_server(settings, port)
    try:
        receipts = vote_until_killed(f"http://127.0.0.1:{port}", session, poll_id, process,
                                     kill_after=40)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    assert len(receipts) >= 40
    restarted = start_server(settings, free_port())
    try:
        with database.transaction(write=False) as db:
            for receipt in receipts:
                found = db.scalar(select(func.count()).select_from(Ballot).where(
                    Ballot.poll_id == poll_id, Ballot.receipt == receipt))
                assert found == 1, receipt
            seqs = sorted(db.scalars(select(Ballot.seq).where(Ballot.poll_id == poll_id)))
        assert seqs == list(range(len(seqs)))  # no hole and no repeat in the ledger
    finally:
        restarted.terminate()
        restarted.wait(10)


def test_server_refuses_a_database_without_schema(tmp_path: Path):
    env = {**os.environ, "ASAMBLEA_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    result = subprocess.run([sys.executable, "-m", "governance.cli", "serve", "--port",
                             str(free_port())], env=env, capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 1 and "asamblea db upgrade" in result.stderr
