"""Assemblies: their rules, their states, and the audit trail of what the committee does."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from governance import errors
from governance.assemblies import services
from governance.audit import services as audit
from governance.auth.models import LoginSession
from governance.db import utcnow
from tests.factories import make_organization
from tests.factories_assemblies import ACTOR, accredit, assembly_fields, make_assembly


def test_an_assembly_keeps_its_rules(database):
    with database.transaction() as db:
        assembly = make_assembly(db, weighting={"scheme": "bands", "bands": [
            {"min_members": 501, "weight": 3}, {"min_members": 0, "weight": 1},
            {"min_members": 51, "weight": 2}], "max_weight": 2},
            quorum_weight_pct=60, quorum_orgs_pct=40, quorum_mode="or", self_check_in=True,
            timezone="America/Bogota", poll_defaults={"method": "yes_no_abstain"})
        data = services.to_dict(assembly)
    assert data["weighting"] == {"scheme": "bands", "bands": [
        {"min_members": 0, "weight": 1}, {"min_members": 51, "weight": 2},
        {"min_members": 501, "weight": 3}], "max_weight": 2}
    assert (data["state"], data["timezone"], data["quorum_mode"]) == (
        "planned", "America/Bogota", "or")
    assert data["poll_defaults"] == {"method": "yes_no_abstain"}
    with database.transaction(write=False) as db:
        weighting = services.weighting_of(services.get_assembly(db, data["id"]))
        assert weighting.max_weight == 2 and len(weighting.bands) == 3


@pytest.mark.parametrize(("fields", "field"), [
    ({"title": " "}, "title"),
    ({"kind": "party"}, "kind"),
    ({"weighting": {"scheme": "bands"}}, "weighting"),
    ({"weighting": {"scheme": "votes"}}, "weighting"),
    ({"starts_at": "2026-03-14T09:00:00"}, "starts_at"),
    ({"starts_at": "tomorrow"}, "starts_at"),
    ({"ends_at": "2020-01-01T00:00:00+00:00"}, "ends_at"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"proxy_limit": -1}, "proxy_limit"),
    ({"quorum_weight_pct": 101}, "quorum_weight_pct"),
    ({"quorum_mode": "xor"}, "quorum_mode"),
])
def test_bad_rules_are_refused_naming_the_field(database, fields, field):
    with database.transaction() as db, pytest.raises(errors.InvalidInput) as caught:
        services.create_assembly(db, assembly_fields(**fields), ACTOR, utcnow())
    assert caught.value.field == field


def test_states_move_one_step_at_a_time(database):
    with database.transaction() as db:
        assembly = make_assembly(db)
        with pytest.raises(errors.Conflict):
            services.change_state(db, assembly.id, "in_session", ACTOR, utcnow())
        for state in ("accreditation", "in_session", "closed"):
            services.change_state(db, assembly.id, state, ACTOR, utcnow())
        with pytest.raises(errors.Conflict):
            services.change_state(db, assembly.id, "planned", ACTOR, utcnow())
        assert assembly.state == "closed"
    with database.transaction() as db, pytest.raises(errors.NotFound):
        services.get_assembly(db, 4242)


def test_a_closed_assembly_refuses_accreditation_changes(database, settings):
    with database.transaction() as db:
        org = make_organization(db)
        assembly = make_assembly(db, state="closed")
        with pytest.raises(errors.Conflict):
            accredit(db, settings, assembly.id, org.id)


def test_every_committee_action_is_in_the_chained_audit_trail(database, settings):
    now = utcnow()
    with database.transaction() as db:
        own, giver = make_organization(db), make_organization(db)
        assembly = make_assembly(db, state="accreditation")
        issued = accredit(db, settings, assembly.id, own.id)
        services.reissue_credential(db, settings, assembly.id, issued.delegate_id, "staff:carla",
                                    now)
        services.check_in(db, assembly.id, issued.delegate_id, "staff:carla", now)
        proxy = services.grant_proxy(db, settings, assembly.id, giver.id, issued.delegate_id,
                                     "staff:carla", now)
        services.revoke_proxy(db, assembly.id, proxy.id, "staff:carla", now)
        services.freeze_roll(db, assembly.id, "staff:carla", now)
        services.revoke_credential(db, assembly.id, issued.delegate_id, "staff:carla", now)
        other = make_assembly(db)
        assembly_id, other_id = assembly.id, other.id
    with database.transaction(write=False) as db:
        events = services.assembly_events(db, assembly_id)
        assert [e.action for e in events] == [
            "assembly.create", "assembly.state", "credential.issue", "credential.reissue",
            "delegate.check_in", "proxy.grant", "proxy.revoke", "roll.freeze",
            "credential.revoke"]
        assert {e.actor for e in events[3:]} == {"staff:carla"}
        assert events[2].subject == f"assembly:{assembly_id}/delegate:{issued.delegate_id}"
        assert events[2].details["credential_id"] == issued.credential_id
        # no credential, ever, in the trail
        assert all(issued.credential not in str(e.details) for e in events)
        assert [e.action for e in services.assembly_events(db, other_id)] == ["assembly.create"]
        assert audit.verify_chain(audit.events(db)).ok


def test_revoking_deletes_the_delegates_session_rows(database, settings):
    now = utcnow()
    with database.transaction() as db:
        org = make_organization(db)
        assembly = make_assembly(db, state="accreditation")
        issued = accredit(db, settings, assembly.id, org.id)
        services.login_delegate(db, settings, issued.credential, "1.2.3.4", now)
        services.login_delegate(db, settings, issued.credential, "1.2.3.5", now)
    with database.transaction() as db:
        rows = select(LoginSession).where(LoginSession.delegate_id == issued.delegate_id)
        assert len(db.scalars(rows).all()) == 2
        services.revoke_credential(db, assembly.id, issued.delegate_id, ACTOR, now)
        assert db.scalars(rows).all() == []
