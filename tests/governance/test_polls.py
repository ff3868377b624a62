"""Casting, refusing, revoting and closing, on the database, through the services."""

from __future__ import annotations

import json

import pytest

from governance import errors
from governance.db import utcnow
from governance.polls import services as polls
from governance.results.services import sealer, signed_result
from tests.factories_polls import ACTOR, assembly_in_session, ensure_key, open_poll


def cast(db, poll_id, delegation, payload, organization_id=None):
    return polls.cast_ballot(db, poll_id, delegate_id=delegation.delegate_id, payload=payload,
                             organization_id=organization_id, now=utcnow())


def close(db, settings, poll_id):
    ensure_key(settings)
    return polls.close_poll(db, sealer(settings), poll_id, ACTOR, utcnow())


def test_a_ballot_gets_a_ledger_position_and_a_receipt(database, settings):
    with database.transaction() as db:
        s = assembly_in_session(db, settings, [10, 20])
        poll_id = open_poll(db, s.assembly_id)
        first = cast(db, poll_id, s.delegations[0], {"choice": "yes"})
        second = cast(db, poll_id, s.delegations[1], {"choice": "no"})
    assert (first.seq, second.seq) == (0, 1)
    assert len(first.receipt) == 64 and first.receipt != second.receipt
    assert json.loads(first.line) == {"seq": 0, "voter": f"org-{s.delegations[0].organization_id}",
                                      "choice": "yes", "by": "own",
                                      "cast_at": json.loads(first.line)["cast_at"]}


@pytest.mark.parametrize(("payload", "code"), [
    ({"choice": "maybe"}, "not_an_option"),
    ({}, "no_choice"),
    ({"split": {"yes": 5, "no": 5}}, "split_not_allowed"),
    ({"choices": ["yes", "no"]}, "too_many_choices"),
])
def test_invalid_ballots_are_refused_with_their_reason(database, settings, payload, code):
    with database.transaction() as db:
        s = assembly_in_session(db, settings, [10])
        poll_id = open_poll(db, s.assembly_id)
    with database.transaction() as db, pytest.raises(errors.InvalidInput) as caught:
        cast(db, poll_id, s.delegations[0], payload)
    assert caught.value.code in {code, "malformed"}


def test_split_must_sum_to_the_weight(database, settings):
    with database.transaction() as db:
        s = assembly_in_session(db, settings, [10])
        poll_id = open_poll(db, s.assembly_id, allow_split=True)
    with database.transaction() as db, pytest.raises(errors.InvalidInput) as caught:
        cast(db, poll_id, s.delegations[0], {"split": {"yes": 6, "no": 5}})
    assert caught.value.code == "split_sum"
    with database.transaction() as db:
        assert cast(db, poll_id, s.delegations[0], {"split": {"yes": 6, "no": 4}}).seq == 0


def test_absent_unentitled_and_closed_are_refused(database, settings):
    with database.transaction() as db:
        s = assembly_in_session(db, settings, [10, 20, 30], absent=(1,))
        poll_id = open_poll(db, s.assembly_id)
    with database.transaction() as db, pytest.raises(errors.Forbidden) as absent:
        cast(db, poll_id, s.delegations[1], {"choice": "yes"})
    assert absent.value.code == "not_present"
    with database.transaction() as db, pytest.raises(errors.Forbidden) as other:
        cast(db, poll_id, s.delegations[0], {"choice": "yes"},
             organization_id=s.delegations[2].organization_id)
    assert other.value.code == "not_entitled"
    with database.transaction() as db:
        close(db, settings, poll_id)
    with database.transaction() as db, pytest.raises(errors.Conflict) as closed:
        cast(db, poll_id, s.delegations[0], {"choice": "yes"})
    assert closed.value.code == "poll_not_open"


def test_proxy_holder_votes_for_the_giver(database, settings):
    with database.transaction() as db:
        s = assembly_in_session(db, settings, [10], proxies=[(20, 0)])
        poll_id = open_poll(db, s.assembly_id)
        ballot = cast(db, poll_id, s.delegations[0], {"choice": "no"},
                      organization_id=next(iter(s.proxies)))
    assert ballot.via == "proxy" and json.loads(ballot.line)["by"] == "proxy"


def test_without_revote_the_second_ballot_is_refused(database, settings):
    with database.transaction() as db:
        s = assembly_in_session(db, settings, [10])
        poll_id = open_poll(db, s.assembly_id)
        cast(db, poll_id, s.delegations[0], {"choice": "yes"})
    with database.transaction() as db, pytest.raises(errors.Conflict) as caught:
        cast(db, poll_id, s.delegations[0], {"choice": "no"})
    assert caught.value.code == "already_voted"


def test_with_revote_the_last_ballot_counts(database, settings):
    with database.transaction() as db:
        s = assembly_in_session(db, settings, [10, 5])
        poll_id = open_poll(db, s.assembly_id, allow_revote=True)
        cast(db, poll_id, s.delegations[0], {"choice": "yes"})
        cast(db, poll_id, s.delegations[1], {"choice": "yes"})
        cast(db, poll_id, s.delegations[0], {"choice": "no"})
        close(db, settings, poll_id)
    with database.transaction(write=False) as db:
        result = signed_result(db, poll_id).result
    assert result["tally"]["yes"] == {"weight": 5, "organizations": 1}
    assert result["tally"]["no"] == {"weight": 10, "organizations": 1}
    assert result["ledger"]["tree_size"] == 3 and result["outcome"] == "rejected"


def test_weights_come_from_the_frozen_roll(database, settings):
    with database.transaction() as db:
        s = assembly_in_session(db, settings, [100, 3], weighting={"scheme": "members",
                                                                   "max_weight": 50})
        poll_id = open_poll(db, s.assembly_id)
        turnout = polls.turnout(db, polls.get_poll(db, poll_id))
    assert (turnout.total_weight, turnout.present_weight, turnout.cast_weight) == (53, 53, 0)


def test_secret_polls_use_pseudonyms(database, settings):
    with database.transaction() as db:
        s = assembly_in_session(db, settings, [10, 20])
        poll_id = open_poll(db, s.assembly_id, secret=True)
        ballot = cast(db, poll_id, s.delegations[0], {"choice": "yes"})
        close(db, settings, poll_id)
    voter = json.loads(ballot.line)["voter"]
    assert voter.startswith("v-") and len(voter) == 26  # an HMAC, not the organization
    from governance.results.services import bundle_files

    with database.transaction(write=False) as db:
        roll = bundle_files(db, settings, poll_id)["roll_jsonl"].decode()
    assert '"organization":null' in roll and "Cooperativa" not in roll


def test_polls_open_only_in_session_and_close_once(database, settings):
    with database.transaction() as db:
        s = assembly_in_session(db, settings, [10])
        poll_id = open_poll(db, s.assembly_id)
    with database.transaction() as db, pytest.raises(errors.Conflict):
        polls.open_poll(db, poll_id, ACTOR, utcnow())
    with database.transaction() as db:
        close(db, settings, poll_id)
    with database.transaction() as db, pytest.raises(errors.Conflict):
        close(db, settings, poll_id)


def test_closing_without_a_signing_key_says_what_to_do(database, settings):
    with database.transaction() as db:
        s = assembly_in_session(db, settings, [10])
        poll_id = open_poll(db, s.assembly_id)
    with database.transaction() as db, pytest.raises(errors.Conflict) as caught:
        polls.close_poll(db, sealer(settings), poll_id, ACTOR, utcnow())
    assert caught.value.code == "no_signing_key"
