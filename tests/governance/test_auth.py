"""Staff accounts, server-side sessions, throttling and the audit trail."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from governance import errors
from governance.audit import services as audit
from governance.audit.models import AuditEvent
from governance.auth import services, throttle
from governance.auth.models import LoginSession
from governance.db import utcnow
from tests.factories import PASSWORD, make_staff


def test_passwords_are_stored_as_argon2id_only(database, settings):
    with database.transaction() as db:
        user = make_staff(db, settings, "board", "ana")
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


@pytest.mark.parametrize(("username", "role", "password", "field"), [
    ("a", "board", PASSWORD, "username"),
    ("ana", "king", PASSWORD, "role"),
    ("ana", "board", "short", "password"),
])
def test_bad_staff_accounts_are_refused(database, settings, username, role, password, field):
    with database.transaction() as db, pytest.raises(errors.InvalidInput) as caught:
        services.create_staff_user(db, settings, username, role, password)
    assert caught.value.field == field


def test_session_lives_until_logout_idle_or_absolute_timeout(database, settings):
    now = utcnow()
    with database.transaction() as db:
        make_staff(db, settings, "committee", "carla")
        token, _ = services.login_staff(db, settings, "carla", PASSWORD, "1.2.3.4", now)
    with database.transaction() as db:
        stored = db.scalar(select(LoginSession.token_hash))
        assert stored == services.token_hash(token) and token not in stored
        principal = services.resolve(db, settings, token, now + timedelta(minutes=5))
        assert principal is not None and principal.role == "committee"
        idle = now + timedelta(minutes=settings.session_idle_minutes)
        assert services.resolve(db, settings, token, idle) is None
        assert services.resolve(db, replace(settings, session_idle_minutes=10**6), token,
                                now + timedelta(hours=settings.session_absolute_hours)) is None
        services.end_session(db, token)
        assert services.resolve(db, settings, token, now) is None


def test_failed_logins_are_throttled_per_account_but_not_for_long(database, settings):
    now = utcnow()
    with database.transaction() as db:
        make_staff(db, settings, "auditor", "aud")
    for _ in range(throttle.STAFF_PER_ACCOUNT):
        with database.transaction() as db:
            services.record_attempt(db, "password", "user:aud", "6.6.6.6", False, now)
    with database.transaction() as db, pytest.raises(errors.RateLimited):
        services.login_staff(db, settings, "aud", PASSWORD, "7.7.7.7", now)
    later = now + services.WINDOW + timedelta(seconds=1)
    with database.transaction() as db:
        token, _ = services.login_staff(db, settings, "aud", PASSWORD, "7.7.7.7", later)
        assert token


def test_wrong_password_and_unknown_user_give_the_same_error(database, settings):
    with database.transaction() as db:
        make_staff(db, settings, "board", "bea")
    for username, password in (("bea", "wrong password"), ("nobody", PASSWORD)):
        with database.transaction() as db, pytest.raises(errors.NotAuthenticated) as caught:
            services.login_staff(db, settings, username, password, "1.1.1.1", utcnow())
        assert caught.value.code == "bad_login"


def test_audit_trail_is_a_hash_chain_that_reveals_tampering(database):
    with database.transaction() as db:
        for n in range(5):
            audit.record(db, "staff:ana", "organization.update", f"organization:{n}", {"n": n})
    with database.transaction(write=False) as db:
        events = [audit.export_event(e) for e in audit.events(db)]
    assert audit.verify_chain(events).ok and len(events) == 5
    events[2]["details"] = {"n": 99}
    check = audit.verify_chain(events)
    assert not check.ok and check.problems == ["event 2: hash does not match its content"]
    del events[1]
    assert not audit.verify_chain(events).ok


def test_audit_events_stored_match_their_hashes(database):
    with database.transaction() as db:
        audit.record(db, "system", "demo.seed", "network", {"organizations": 40})
    with database.transaction(write=False) as db:
        event = db.scalar(select(AuditEvent))
        assert event is not None and audit.verify_chain([event]).ok
