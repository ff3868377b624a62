"""A poll on a motion records the signed outcome on the motion, and the archive shows the
verified result with the signing key's fingerprint; a plan's objective gets its own poll."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from governance import errors
from governance.db import utcnow
from governance.motions.models import Motion, MotionObjective
from governance.motions.services import publish_motion
from governance.polls import services as polls
from governance.results import keys
from governance.results.services import sealer
from tests.factories_motions import make_motion, make_plan, make_published
from tests.factories_polls import ACTOR, assembly_in_session, ensure_key, open_poll


def vote_and_close(db, settings, session, poll_id, choices):
    for delegation, choice in zip(session.delegations, choices, strict=False):
        polls.cast_ballot(db, poll_id, delegate_id=delegation.delegate_id,
                          payload={"choice": choice}, now=utcnow())
    polls.close_poll(db, sealer(settings), poll_id, ACTOR, utcnow())


def test_poll_on_a_motion_adopts_it_and_the_archive_shows_the_verified_result(
        client, database, settings):
    ensure_key(settings)
    with database.transaction() as db:
        session = assembly_in_session(db, settings, [30, 20, 10])
        motion = make_published(db, code="GA-2026-07")
        poll_id = open_poll(db, session.assembly_id, motion_id=motion.id)
        vote_and_close(db, settings, session, poll_id, ["yes", "yes", "no"])
    with database.transaction(write=False) as db:
        decided = db.get(Motion, motion.id)
        assert (decided.status, decided.result_poll_id) == ("adopted", poll_id)
    page = client.get("/archive/GA-2026-07")
    assert page.status_code == 200
    result = page.context["verified"][poll_id]
    public = keys.public_key(settings)
    assert public is not None and result.fingerprint == public.fingerprint
    assert result.outcome == "adopted" and public.fingerprint in page.text


def test_poll_on_an_objective_records_its_outcome(database, settings):
    ensure_key(settings)
    with database.transaction() as db:
        session = assembly_in_session(db, settings, [30, 20])
        plan = publish_motion(db, make_plan(db, objectives=3).id, ACTOR)
        poll_id = open_poll(db, session.assembly_id, motion_id=plan.id, objective_number=2)
        vote_and_close(db, settings, session, poll_id, ["no", "no"])
    with database.transaction(write=False) as db:
        objective = db.scalar(select(MotionObjective).where(
            MotionObjective.motion_id == plan.id, MotionObjective.number == 2))
        assert objective is not None
        assert (objective.outcome, objective.poll_id) == ("rejected", poll_id)
        assert db.get(Motion, plan.id).status == "published"  # the plan itself is not decided


def test_drafts_and_missing_objectives_cannot_be_put_to_a_vote(database, settings):
    with database.transaction() as db:
        session = assembly_in_session(db, settings, [10])
        draft = make_motion(db)
        plan = publish_motion(db, make_plan(db, objectives=1).id, ACTOR)
    with database.transaction() as db, pytest.raises(errors.Conflict):
        open_poll(db, session.assembly_id, motion_id=draft.id)
    with database.transaction() as db, pytest.raises(errors.InvalidInput):
        open_poll(db, session.assembly_id, motion_id=plan.id, objective_number=9)
