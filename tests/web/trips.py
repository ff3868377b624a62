"""How many transactions and SQL statements one request costs, counted on the app's engine
with SQLAlchemy events: one API ballot (castBallot), and one HTML vote (the confirmation, the
cast, and the screen the cast redirects to).

    .venv/bin/python -m tests.web.trips    # prints the counts on a scratch SQLite database

tests/web/test_one_trip.py holds the plumbing to what it promises (one transaction each).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event
from starlette.testclient import TestClient

from governance import migrate
from governance.app import create_app
from governance.auth import services as auth
from governance.db import utcnow
from governance.settings import PasswordHashing, Settings
from tests.factories import csrf
from tests.factories_polls import assembly_in_session, open_poll


@dataclass
class Count:
    transactions: int = 0
    statements: int = 0
    sql: list[str] = field(default_factory=list)


@contextmanager
def counting(app: Any) -> Iterator[Count]:
    """Transactions begun and statements run (BEGIN and PRAGMA left out) on the app's engine
    while the block runs."""
    engine = app.state.database.engine
    count = Count()

    def on_begin(_connection: Any) -> None:
        count.transactions += 1

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA")):
            count.statements += 1
            count.sql.append(" ".join(statement.split())[:120])

    event.listen(engine, "begin", on_begin)
    event.listen(engine, "before_cursor_execute", on_statement)
    try:
        yield count
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(engine, "begin", on_begin)


def voting_assembly(app: Any) -> tuple[int, list[int]]:
    """A poll open in an assembly in session, and the ids of its (checked-in) delegates."""
    settings = app.state.settings
    with app.state.database.transaction() as db:
        session = assembly_in_session(db, settings, [10, 20, 30])
        poll_id = open_poll(db, session.assembly_id)
    return poll_id, [d.delegate_id for d in session.delegations]


def session_token(app: Any, delegate_id: int) -> str:
    with app.state.database.transaction() as db:
        return auth.start_session(db, app.state.settings, utcnow(), delegate_id=delegate_id)


def api_ballot(app: Any, poll_id: int, delegate_id: int) -> Count:
    client = TestClient(app)
    headers = {"Authorization": f"Bearer {session_token(app, delegate_id)}"}
    with counting(app) as count:
        response = client.post(f"/api/v1/polls/{poll_id}/ballots", headers=headers,
                               json={"choice": "yes"})
    assert response.status_code == 201, response.text
    return count


def html_vote(app: Any, poll_id: int, delegate_id: int) -> dict[str, Count]:
    """Each step of a vote from the screen: confirm, cast, and the redirected screen."""
    client = TestClient(app, follow_redirects=False)
    client.cookies.set(app.state.cookies.session, session_token(app, delegate_id))
    url = f"/me/polls/{poll_id}"
    token = csrf(client, url)
    steps: dict[str, Count] = {}
    with counting(app) as steps["confirm"]:
        assert client.post(f"{url}/confirm", data={"csrf_token": token, "choice": "no"}
                           ).status_code == 200
    with counting(app) as steps["cast"]:
        cast = client.post(f"{url}/vote", data={"csrf_token": token, "choice": "no"})
    assert cast.status_code == 303, cast.text
    with counting(app) as steps["receipt screen"]:
        assert client.get(cast.headers["location"]).status_code == 200
    return steps


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'trips.db'}"
        migrate.upgrade(url)
        cheap = PasswordHashing(time_cost=1, memory_cost=8, parallelism=1)
        app = create_app(Settings(database_url=url, data_dir=Path(scratch) / "data",
                                  secure_cookies=False, password_hashing=cheap,
                                  credential_hashing=cheap, checkpoint_seconds=0))
        try:
            poll_id, delegates = voting_assembly(app)
            rows = {"API ballot (castBallot)": api_ballot(app, poll_id, delegates[0]),
                    **{f"HTML vote: {step}": count
                       for step, count in html_vote(app, poll_id, delegates[1]).items()}}
        finally:
            app.state.database.dispose()
    print("| request | transactions | statements |\n|---|---|---|")
    for name, count in rows.items():
        print(f"| {name} | {count.transactions} | {count.statements} |")
    html = [count for name, count in rows.items() if name.startswith("HTML")]
    print(f"| HTML vote, all three | {sum(c.transactions for c in html)} | "
          f"{sum(c.statements for c in html)} |")


if __name__ == "__main__":
    main()
