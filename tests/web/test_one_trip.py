"""One trip per request: finding the principal, checking its role and the work itself share
one transaction, and the session's touch rides in it, written at most once a minute."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from governance.auth.models import LoginSession
from governance.auth.services import token_hash
from governance.db import utcnow
from governance.polls.models import Ballot
from tests.factories import staff
from tests.web.trips import api_ballot, counting, html_vote, session_token, voting_assembly


def _age_session(database, token, by):
    with database.transaction() as db:
        db.execute(update(LoginSession).where(LoginSession.token_hash == token_hash(token))
                   .values(last_seen_at=utcnow() - by))


def _last_seen(database, token):
    with database.transaction(write=False) as db:
        return db.scalar(select(LoginSession.last_seen_at)
                         .where(LoginSession.token_hash == token_hash(token)))


def test_an_api_ballot_is_one_transaction(app, client):
    poll_id, delegates = voting_assembly(app)
    count = api_ballot(app, poll_id, delegates[0])
    assert count.transactions == 1
    assert sum(s.startswith("INSERT INTO ballots") for s in count.sql) == 1


def test_each_step_of_an_html_vote_is_one_transaction(app, client):
    poll_id, delegates = voting_assembly(app)
    steps = html_vote(app, poll_id, delegates[0])
    assert {step: count.transactions for step, count in steps.items()} == {
        "confirm": 1, "cast": 1, "receipt screen": 1}
    # the cast does not read the poll's options before the ballot box does
    assert sum(s.startswith("SELECT polls.") for s in steps["cast"].sql) == 1


def test_a_stale_session_is_touched_in_the_ballot_s_own_transaction(app, client, database):
    poll_id, delegates = voting_assembly(app)
    token = session_token(app, delegates[0])
    _age_session(database, token, timedelta(minutes=5))
    before = _last_seen(database, token)
    headers = {"Authorization": f"Bearer {token}"}
    with counting(app) as count:
        assert client.post(f"/api/v1/polls/{poll_id}/ballots", headers=headers,
                           json={"choice": "yes"}).status_code == 201
    assert count.transactions == 1
    assert sum(s.startswith("UPDATE login_sessions") for s in count.sql) == 1
    assert _last_seen(database, token) > before


def test_a_session_is_written_at_most_once_a_minute(app, client, database):
    poll_id, delegates = voting_assembly(app)
    token = session_token(app, delegates[0])
    headers = {"Authorization": f"Bearer {token}"}
    _age_session(database, token, timedelta(minutes=5))
    touches = []
    for _ in range(3):
        with counting(app) as count:
            assert client.get(f"/api/v1/polls/{poll_id}", headers=headers).status_code == 200
        touches.append(sum(s.startswith("UPDATE login_sessions") for s in count.sql))
    assert touches == [1, 0, 0]


def test_a_read_touches_in_a_short_write_of_its_own_only_on_sqlite(app, client, database):
    """A read transaction on SQLite may not start writing (it would fail whenever another
    connection wrote meanwhile), so the touch a read owes gets a transaction of its own."""
    poll_id, delegates = voting_assembly(app)
    token = session_token(app, delegates[0])
    _age_session(database, token, timedelta(minutes=5))
    client.cookies.set(app.state.cookies.session, token)
    with counting(app) as count:
        assert client.get(f"/me/polls/{poll_id}").status_code == 200
    assert count.transactions == (2 if database.is_sqlite else 1)
    assert _last_seen(database, token) > utcnow() - timedelta(minutes=1)


def test_who_asks_is_checked_before_what_is_asked(app, client, database):
    poll_id, delegates = voting_assembly(app)
    url = f"/api/v1/polls/{poll_id}/ballots"
    malformed = {"content": b"{", "headers": {"Content-Type": "application/json"}}
    assert client.post(url, **malformed).status_code == 401
    board = staff(client, "board")
    refused = client.post(url, content=b"{", headers={**board, **malformed["headers"]})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_a_delegate"
    delegate = {"Authorization": f"Bearer {session_token(app, delegates[0])}"}
    bad = client.post(url, content=b"{", headers={**delegate, **malformed["headers"]})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "malformed"
    with database.transaction(write=False) as db:
        assert db.scalar(select(func.count()).select_from(Ballot)) == 0
