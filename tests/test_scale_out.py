"""Scale-out: `asamblea serve --workers 4` on PostgreSQL. Nothing a request needs lives in one
worker's memory: a session opened on one worker works on the others, failed logins are
counted across workers, live turnout is the same whichever worker answers, and the signed tally
equals exactly the ballots acknowledged. Every request opens a new connection, so the kernel
spreads them over the four workers."""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx2
import pytest

from ballots.bundle import Bundle
from ballots.verify import verify_bundle
from governance.auth import throttle
from tests.factories import PASSWORD, make_staff
from tests.factories_polls import assembly_in_session, ensure_key, open_poll
from tests.server_process import start_server

pytestmark = pytest.mark.slow

ORGANIZATIONS = 120
WORKERS = 4


@pytest.fixture
def postgresql(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("scale-out needs PostgreSQL: set ASAMBLEA_TEST_DATABASE_URL to a "
                    "postgresql+psycopg:// database (SQLite serves one worker by design)")


def _fresh(base: str, method: str, path: str, **kwargs: Any) -> httpx2.Response:
    """One request on its own connection (no keep-alive), so it may reach any worker."""
    with httpx2.Client(base_url=base, timeout=60) as http:
        return http.request(method, path, **kwargs)


def _bundle(raw: bytes) -> Bundle:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return Bundle(result_json=files["result.json"], signature=files["result.json.sig"],
                  public_key_pem=files["signing-key.pem"], roll_jsonl=files["roll.jsonl"],
                  ballots_jsonl=files["ballots.jsonl"])


def test_voting_through_four_workers_counts_exactly_the_acknowledged_ballots(
        postgresql, database, settings, tmp_path):
    ensure_key(settings)
    with database.transaction() as db:
        session = assembly_in_session(db, settings, [1 + (i * 37) % 500
                                                     for i in range(ORGANIZATIONS)])
        poll_id = open_poll(db, session.assembly_id, allow_revote=True)
        chair = make_staff(db, settings, "board").username
    server = start_server(settings, tmp_path / "server.log", workers=WORKERS)
    base = server.base
    try:
        assert server.output().count("Started server process") >= WORKERS or _wait_workers(server)
        # 1. every delegate logs in on whichever worker, then votes on others (some twice)
        def vote(index: int) -> list[tuple[int, int, str, dict[str, Any]]]:
            mine = session.delegations[index]
            login = _fresh(base, "POST", "/api/v1/login", json={"credential": mine.credential})
            assert login.status_code == 200, login.text
            headers = {"Authorization": f"Bearer {login.json()['token']}"}
            acknowledged = []
            for round_ in range(1 + index % 2):
                body = {"choice": ("yes", "no", "abstain")[(index + round_) % 3]}
                cast = _fresh(base, "POST", f"/api/v1/polls/{poll_id}/ballots", json=body,
                              headers=headers)
                assert cast.status_code == 201, cast.text
                receipt = cast.json()
                acknowledged.append((mine.organization_id, receipt["seq"], receipt["receipt"],
                                     body))
            assert _fresh(base, "GET", "/api/v1/me", headers=headers).status_code == 200
            return acknowledged

        with ThreadPoolExecutor(16) as pool:
            acknowledged = [a for batch in pool.map(vote, range(ORGANIZATIONS)) for a in batch]

        # 2. live turnout is the same from every worker
        statuses = {tuple(sorted(_fresh(base, "GET", f"/api/v1/polls/{poll_id}/status",
                                        headers=_staff(base, chair)).json().items()))
                    for _ in range(12)}
        assert len(statuses) == 1
        status = dict(next(iter(statuses)))
        assert status["ballots"] == len(acknowledged)
        assert status["cast_organizations"] == ORGANIZATIONS

        # 3. the chair closes the poll; the signed tally is exactly the acknowledged ballots
        closed = _fresh(base, "POST", f"/api/v1/polls/{poll_id}/close",
                        headers=_staff(base, chair))
        assert closed.status_code == 200, closed.text
        result = _fresh(base, "GET", f"/api/v1/polls/{poll_id}/result").json()["result"]
        last: dict[int, tuple[int, dict[str, Any]]] = {}
        for organization, seq, _receipt, body in acknowledged:
            if organization not in last or last[organization][0] < seq:
                last[organization] = (seq, body)
        weights = {d.organization_id: d.members for d in session.delegations}
        expected = Counter()
        for organization, (_seq, body) in last.items():
            expected[body["choice"]] += weights[organization]
        assert {k: v["weight"] for k, v in result["tally"].items() if v["weight"]} == dict(
            expected)
        assert result["ledger"]["tree_size"] == len(acknowledged)
        assert sorted(seq for _o, seq, _r, _b in acknowledged) == list(range(len(acknowledged)))

        # 4. the bundle verifies, and receipts are proven from any worker
        bundle = _fresh(base, "GET", f"/api/v1/polls/{poll_id}/bundle.zip")
        assert verify_bundle(_bundle(bundle.content)).ok
        for _organization, _seq, receipt, _body in acknowledged[::15]:
            proof = _fresh(base, "GET", f"/api/v1/polls/{poll_id}/proof",
                           params={"receipt": receipt})
            assert proof.status_code == 200, proof.text

        # 5. failed logins are counted across workers: the limit holds wherever they land
        wrong = session.delegations[0].credential[:4] + "-2222-2222-2222-2222-2222-2222"
        answers = [_fresh(base, "POST", "/api/v1/login", json={"credential": wrong}).status_code
                   for _ in range(throttle.CREDENTIAL_PER_IDENTIFIER + 3)]
        assert answers[:throttle.CREDENTIAL_PER_IDENTIFIER] == [
            401] * throttle.CREDENTIAL_PER_IDENTIFIER
        assert set(answers[throttle.CREDENTIAL_PER_IDENTIFIER:]) == {429}
    except BaseException:
        print(server.output())
        raise
    finally:
        server.stop()


def _wait_workers(server: Any) -> bool:
    """The four worker processes announce themselves in the log."""
    import time

    for _ in range(100):
        if server.output().count("Started server process") >= WORKERS:
            return True
        time.sleep(0.2)
    return False


def _staff(base: str, username: str) -> dict[str, str]:
    login = _fresh(base, "POST", "/api/v1/login",
                   json={"username": username, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['token']}"}
