"""Group commit: the ballot writer puts the ballots that arrive together into one transaction,
answers each with its own receipt or refusal, isolates a failing piece, and refuses at once
(503 with Retry-After) when its queue is full."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from governance import errors
from governance.db import utcnow
from governance.polls import casting
from governance.polls import services as polls
from governance.polls import writer as writer_module
from governance.polls.models import Ballot, Poll
from governance.polls.writer import BallotWriter
from tests.factories_polls import assembly_in_session, open_poll


@pytest.fixture
def world(database, settings):
    with database.transaction() as db:
        session = assembly_in_session(db, settings, [10] * 6, absent=(5,))
        poll_id = open_poll(db, session.assembly_id)
    return session, poll_id


def ballot(poll_id: int, delegate_id: int, choice: str = "yes"):
    def work(db):
        caster = casting.delegate_by_id(db, delegate_id)
        return casting.cast(db, caster, poll_id, {"choice": choice}, utcnow())
    return work


def held(writer: BallotWriter) -> threading.Event:
    """Keep the writer busy on a first piece until the event is set, so that what is
    submitted next waits in the queue and goes into one batch."""
    release, started = threading.Event(), threading.Event()

    def hold(_db):
        started.set()
        release.wait(30)
    writer.submit(hold)
    assert started.wait(30)
    return release


def test_ballots_that_arrive_together_are_one_transaction_and_each_gets_its_answer(
        database, world):
    session, poll_id = world
    writer = BallotWriter(database)
    release = held(writer)
    d = [x.delegate_id for x in session.delegations]
    futures = [writer.submit(ballot(poll_id, d[0])),
               writer.submit(ballot(poll_id, d[1], "maybe")),  # not an option
               writer.submit(ballot(poll_id, d[2])),
               writer.submit(ballot(poll_id, d[0])),  # already voted, in the same batch
               writer.submit(ballot(poll_id, d[5])),  # not checked in
               writer.submit(ballot(poll_id, d[3], "no"))]
    release.set()
    answers = []
    for future in futures:
        try:
            answers.append(future.result(30).seq)
        except errors.DomainError as refusal:
            answers.append(refusal.code)
    writer.stop()
    assert answers == [0, "not_an_option", 1, "already_voted", "not_present", 2]
    with database.transaction(write=False) as db:
        assert list(db.scalars(select(Ballot.seq).where(Ballot.poll_id == poll_id)
                               .order_by(Ballot.seq))) == [0, 1, 2]
        assert db.scalar(select(Poll.next_seq).where(Poll.id == poll_id)) == 3


def test_a_failing_piece_fails_alone(database, world):
    session, poll_id = world
    writer = BallotWriter(database)
    release = held(writer)
    d = [x.delegate_id for x in session.delegations]

    def broken(db):
        ballot(poll_id, d[1])(db)  # written, then the piece breaks: its ballot must go
        raise RuntimeError("a bug")
    futures = [writer.submit(ballot(poll_id, d[0])), writer.submit(broken),
               writer.submit(ballot(poll_id, d[2]))]
    release.set()
    first, third = futures[0].result(30), futures[2].result(30)
    with pytest.raises(RuntimeError, match="a bug"):
        futures[1].result(30)
    writer.stop()
    assert (first.seq, third.seq) == (0, 1)
    with database.transaction(write=False) as db:
        rows = db.execute(select(Ballot.seq, Ballot.delegate_id).where(
            Ballot.poll_id == poll_id).order_by(Ballot.seq)).all()
    assert [tuple(r) for r in rows] == [(0, d[0]), (1, d[2])]


def test_a_full_queue_refuses_at_once(database, world, monkeypatch):
    monkeypatch.setattr(writer_module, "MAX_QUEUED", 2)
    session, poll_id = world
    writer = BallotWriter(database)
    release = held(writer)
    d = [x.delegate_id for x in session.delegations]
    waiting = [writer.submit(ballot(poll_id, d[0])), writer.submit(ballot(poll_id, d[1]))]
    with pytest.raises(errors.Busy) as refused:
        writer.submit(ballot(poll_id, d[2]))
    assert refused.value.retry_after >= 1
    release.set()
    assert [f.result(30).seq for f in waiting] == [0, 1]
    writer.stop()


def test_the_api_answers_503_with_retry_after_when_the_writer_is_full(
        client, app, database, world, monkeypatch):
    monkeypatch.setattr(writer_module, "MAX_QUEUED", 1)
    session, poll_id = world
    full = app.state.ballot_writer = BallotWriter(database)
    release = held(full)
    full.submit(ballot(poll_id, session.delegations[0].delegate_id))
    try:
        token = client.post("/api/v1/login", json={
            "credential": session.delegations[1].credential}).json()["token"]
        answer = client.post(f"/api/v1/polls/{poll_id}/ballots", json={"choice": "yes"},
                             headers={"Authorization": f"Bearer {token}"})
    finally:
        release.set()
        full.stop()
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "1"
    assert answer.json()["error"]["code"] == "busy"


def test_a_poll_loaded_in_the_session_shows_the_new_position(database, world):
    """Ballots cast in a transaction that has the Poll loaded (closing after the tellers'
    ballots, the demo) see `next_seq` move."""
    session, poll_id = world
    with database.transaction() as db:
        poll = polls.get_poll(db, poll_id)
        assert poll.next_seq == 0
        polls.cast_ballot(db, poll_id, delegate_id=session.delegations[0].delegate_id,
                          payload={"choice": "yes"}, now=utcnow())
        assert poll.next_seq == 1
