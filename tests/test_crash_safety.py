"""A server killed with SIGKILL in the middle of voting loses no acknowledged ballot: every
receipt returned before the kill is in the ledger exactly once after a restart, the ledger has
no hole, and the restarted server goes on from where the ledger stopped (SQLite and PostgreSQL
alike: this uses the test database URL)."""

from __future__ import annotations

import os
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
from tests.server_process import Server, free_port, start_server

pytestmark = pytest.mark.slow

DELEGATES = 120
KILL_AFTER = 40
THREADS = 8


def vote_until_killed(server: Server, session, poll_id: int, in_batch: bool = False,
                      ) -> tuple[list[str], set[int]]:
    """Delegates vote from 8 threads; the server is killed once KILL_AFTER receipts came back
    (with `in_batch`, at the first moment after that when its log says a batch is written and
    not yet committed). Returns the receipts and the delegates whose request got no answer."""
    receipts: list[str] = []
    unanswered: set[int] = set()
    refused: list[str] = []
    lock = threading.Lock()
    killed = threading.Event()

    def delegate(indexes: list[int]) -> None:
        with httpx2.Client(base_url=server.base, timeout=30) as http:
            for index in indexes:
                if killed.is_set():
                    unanswered.add(index)
                    continue
                try:
                    login = http.post("/api/v1/login", json={
                        "credential": session.delegations[index].credential})
                    token = login.json()["token"]
                    cast = http.post(f"/api/v1/polls/{poll_id}/ballots",
                                     headers={"Authorization": f"Bearer {token}"},
                                     json={"choice": "yes" if index % 3 else "no"})
                except (httpx2.TransportError, ValueError, KeyError):
                    unanswered.add(index)  # the server is gone (or going)
                    continue
                if cast.status_code != 201:
                    refused.append(cast.text)
                    continue
                with lock:
                    receipts.append(cast.json()["receipt"])
                    last = len(receipts) == KILL_AFTER
                if last:
                    if in_batch:
                        wait_for_a_batch_in_its_transaction(server)
                    server.kill()
                    killed.set()

    threads = [threading.Thread(target=delegate, args=(list(range(i, DELEGATES, THREADS)),))
               for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
        assert not thread.is_alive(), "a voting thread hung"
    assert refused == []
    return receipts, unanswered


@pytest.mark.parametrize("run", [1, 2])
def test_sigkill_loses_no_acknowledged_ballot(database, settings, tmp_path, run):
    kill_while_voting(database, settings, tmp_path)


def test_sigkill_while_a_batch_is_being_written(database, settings, tmp_path):
    """The ballot writer commits ballots in groups; here it waits 300 ms inside each group's
    transaction before committing (fault injection), so the kill that follows a receipt finds
    the next group written but not committed: none of it was acknowledged, and none is lost
    that was."""
    output = kill_while_voting(database, settings, tmp_path, in_batch=True,
                               ASAMBLEA_TEST_WRITER_PAUSE_MS="300")
    writer = [line for line in output.splitlines() if "ballots written, committing" in line
              or "ballots committed" in line]
    assert writer and "written, committing" in writer[-1], output  # killed inside a batch
    sizes = [int(line.split("batch of ")[1].split()[0]) for line in writer]
    assert max(sizes) > 1, writer  # ballots that arrived together were committed together


def wait_for_a_batch_in_its_transaction(server: Server) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        said = [line for line in server.log.read_text(errors="replace").splitlines()
                if "ballots written, committing" in line or "ballots committed" in line]
        if said and "written, committing" in said[-1]:
            return
        time.sleep(0.01)


def kill_while_voting(database, settings, tmp_path, in_batch: bool = False, **env: str) -> str:
    """Vote, SIGKILL the server, restart it; check the ledger. Returns the killed server's
    output."""
    ensure_key(settings)
    with database.transaction() as db:
        session = assembly_in_session(db, settings, [10] * DELEGATES)
        poll_id = open_poll(db, session.assembly_id)
    server = start_server(settings, tmp_path / "server.log", **env)
    try:
        receipts, unanswered = vote_until_killed(server, session, poll_id, in_batch)
    finally:
        server.stop()
    assert len(receipts) >= KILL_AFTER, server.output()
    assert server.process.returncode == -9  # it really was killed, not stopped
    restarted = start_server(settings, tmp_path / "restarted.log")
    try:
        with database.transaction(write=False) as db:
            for receipt in receipts:
                found = db.scalar(select(func.count()).select_from(Ballot).where(
                    Ballot.poll_id == poll_id, Ballot.receipt == receipt))
                assert found == 1, receipt
            seqs = sorted(db.scalars(select(Ballot.seq).where(Ballot.poll_id == poll_id)))
        assert seqs == list(range(len(seqs)))  # no hole and no repeat in the ledger
        assert len(seqs) >= len(receipts)  # a ballot may be durable before its answer left
        # the restarted server takes the next ballot at the next position of the ledger
        assert unanswered, "the kill came after everyone had voted"
        with database.transaction(write=False) as db:
            done = set(db.scalars(select(Ballot.delegate_id).where(Ballot.poll_id == poll_id)))
        index = next(i for i in sorted(unanswered)
                     if session.delegations[i].delegate_id not in done)
        with httpx2.Client(base_url=restarted.base, timeout=30) as http:
            token = http.post("/api/v1/login", json={
                "credential": session.delegations[index].credential}).json()["token"]
            cast = http.post(f"/api/v1/polls/{poll_id}/ballots", json={"choice": "abstain"},
                             headers={"Authorization": f"Bearer {token}"})
        assert cast.status_code == 201, cast.text
        assert cast.json()["seq"] == len(seqs)
    finally:
        restarted.stop()
    return server.log.read_text(errors="replace")


def test_server_refuses_a_database_without_schema(tmp_path: Path):
    env = {**os.environ, "ASAMBLEA_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    result = subprocess.run([sys.executable, "-m", "governance.cli", "serve", "--port",
                             str(free_port())], env=env, capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 1 and "asamblea db upgrade" in result.stderr
