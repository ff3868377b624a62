"""The login throttling policy (governance/auth/throttle.py, docs/security.md): guessers slow
down; nobody can lock a real person out from elsewhere, nor a whole venue behind one address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from governance import errors
from governance.assemblies import credentials
from governance.assemblies import services as assemblies
from governance.auth import services as auth
from governance.auth import throttle
from governance.auth.models import AuthAttempt
from governance.db import utcnow
from tests.factories import PASSWORD, make_organization, make_staff
from tests.factories_assemblies import accredit, make_assembly


def _failures(database, account, clients, now, kind="password"):
    with database.transaction() as db:
        for client in clients:
            throttle.record(db, kind, account, client, False, now)


def _staff_login(database, settings, username, client, now, password=PASSWORD):
    with database.transaction() as db:
        return auth.login_staff(db, settings, username, password, client, now)


def test_a_guesser_from_one_address_is_stopped_the_owner_elsewhere_is_not(database, settings):
    now = utcnow()
    with database.transaction() as db:
        make_staff(db, settings, "board", "bea")
    _failures(database, "user:bea", ["6.6.6.6"] * throttle.STAFF_PER_ACCOUNT_AND_CLIENT, now)
    with pytest.raises(errors.RateLimited):
        _staff_login(database, settings, "bea", "6.6.6.6", now)
    assert _staff_login(database, settings, "bea", "10.0.0.2", now)[0]


def test_a_spread_attack_slows_new_addresses_but_never_the_owners_known_one(database,
                                                                            settings):
    now = utcnow()
    with database.transaction() as db:
        make_staff(db, settings, "auditor", "ana")
    _staff_login(database, settings, "ana", "10.0.0.7", now - timedelta(days=3))  # her office
    attackers = [f"203.0.113.{n}" for n in range(throttle.STAFF_PER_ACCOUNT)]
    _failures(database, "user:ana", attackers, now)
    with pytest.raises(errors.RateLimited):
        _staff_login(database, settings, "ana", "198.51.100.1", now)  # a new address waits
    assert _staff_login(database, settings, "ana", "10.0.0.7", now)[0]  # she does not
    # a known address is forgotten after 30 days
    later = now + throttle.KNOWN_CLIENT + timedelta(days=1)
    _failures(database, "user:ana", attackers, later)
    with pytest.raises(errors.RateLimited):
        _staff_login(database, settings, "ana", "10.0.0.7", later)


def test_password_spraying_from_one_address_is_stopped(database, settings):
    now = utcnow()
    with database.transaction() as db:
        make_staff(db, settings, "committee", "carla")
    _failures(database, "user:x", ["6.6.6.6"], now)
    with database.transaction() as db:
        for n in range(throttle.STAFF_PER_CLIENT):
            throttle.record(db, "password", f"user:guess{n}", "6.6.6.6", False, now)
    with pytest.raises(errors.RateLimited):
        _staff_login(database, settings, "carla", "6.6.6.6", now)
    assert _staff_login(database, settings, "carla", "10.0.0.3", now)[0]


def test_waiting_while_throttled_does_not_extend_the_wait(database, settings):
    now = utcnow()
    with database.transaction() as db:
        make_staff(db, settings, "board", "beto")
    _failures(database, "user:beto", ["6.6.6.6"] * throttle.STAFF_PER_ACCOUNT_AND_CLIENT, now)
    for minute in range(1, 10):  # retrying every minute while refused…
        with pytest.raises(errors.RateLimited):
            _staff_login(database, settings, "beto", "6.6.6.6", now + timedelta(minutes=minute))
        with database.transaction() as db:
            throttle.record(db, "password", "user:beto", "6.6.6.6", False,
                            now + timedelta(minutes=minute), limited=True)
    # …still ends when the window that began with the failures ends
    after = now + throttle.WINDOW + timedelta(seconds=1)
    assert _staff_login(database, settings, "beto", "6.6.6.6", after)[0]
    with database.transaction(write=False) as db:
        kinds = set(db.scalars(select(AuthAttempt.kind)))
    assert kinds == {"password", "password:limited"}


def _credential(database, settings):
    with database.transaction() as db:
        assembly = make_assembly(db, state="accreditation")
        first = accredit(db, settings, assembly.id, make_organization(db).id)
        second = accredit(db, settings, assembly.id, make_organization(db).id)
        return assembly.id, first, second


def _delegate_login(database, settings, typed, client, now):
    with database.transaction() as db:
        return credentials.login_delegate(db, settings, typed, client, now)


def test_a_venue_behind_one_address_keeps_logging_in_whatever_is_typed_there(database,
                                                                             settings):
    _assembly, first, second = _credential(database, settings)
    venue, now = "192.0.2.1", utcnow()
    # a whole morning of typos and an attacker's spraying, all from the venue's address
    with database.transaction() as db:
        for n in range(throttle.CREDENTIAL_PER_CLIENT_UNKNOWN):
            credentials.record_failure(db, f"{credentials.ALPHABET[n % 31] * 4}-2222", venue, now)
        for _ in range(throttle.CREDENTIAL_PER_IDENTIFIER - 1):
            credentials.record_failure(db, second.credential_id + "-2222-2222-2222-2222-2222"
                                       "-2222", venue, now)
    with pytest.raises(errors.RateLimited):  # more spraying waits…
        _delegate_login(database, settings, "ZZZZ-2222-2222-2222-2222-2222-2222", venue, now)
    # …but every real delegate at the venue gets in, the one with 19 typos too
    assert _delegate_login(database, settings, first.credential, venue, now)[0]
    assert _delegate_login(database, settings, second.credential, venue, now)[0]


def test_an_identifier_under_attack_waits_and_a_reissue_frees_the_delegate(database, settings):
    assembly_id, first, _second = _credential(database, settings)
    now = utcnow()
    guess = first.credential_id + "-2222-2222-2222-2222-2222-2222"
    with database.transaction() as db:
        for n in range(throttle.CREDENTIAL_PER_IDENTIFIER):
            credentials.record_failure(db, guess, f"203.0.113.{n}", now)
    with pytest.raises(errors.RateLimited):
        _delegate_login(database, settings, first.credential, "10.0.0.9", now)
    with database.transaction() as db:  # the committee gives a new credential at its desk
        fresh = assemblies.reissue_credential(db, settings, assembly_id, first.delegate_id,
                                              "staff:comite", now)
    assert _delegate_login(database, settings, fresh.credential, "10.0.0.9", now)[0]


def test_attempts_keep_the_identifier_never_the_secret(database, settings):
    _assembly, first, _second = _credential(database, settings)
    now = utcnow()
    secret = first.credential.split("-", 1)[1]
    wrong = first.credential_id + "-" + secret[::-1]
    for typed in (first.credential, wrong, "nonsense", "QQQQ-" + secret):
        try:
            _delegate_login(database, settings, typed, "10.0.0.1", now)
        except errors.NotAuthenticated:
            with database.transaction() as db:
                credentials.record_failure(db, typed, "10.0.0.1", now)
    with database.transaction(write=False) as db:
        accounts = list(db.scalars(select(AuthAttempt.account).order_by(AuthAttempt.id)))
    assert accounts == [f"credential:{first.credential_id}", f"credential:{first.credential_id}",
                        "credential?:", "credential?:QQQQ"]
    for account in accounts:
        for group in secret.split("-"):
            assert group not in account
