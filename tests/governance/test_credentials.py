"""Credentials: format, hashing, logging in with one, throttling, revocation and re-issue."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from sqlalchemy import select

from governance import errors
from governance.assemblies import credentials, services
from governance.assemblies.models import Delegate
from governance.auth import services as auth
from governance.db import utcnow
from tests.factories import make_organization
from tests.factories_assemblies import ACTOR, accredit, make_assembly


def _accredited(database, settings, **fields):
    with database.transaction() as db:
        org = make_organization(db)
        assembly = make_assembly(db, state="accreditation", **fields)
        return accredit(db, settings, assembly.id, org.id)


def test_a_credential_is_readable_and_has_over_100_bits(database, settings):
    issued = _accredited(database, settings)
    groups = issued.credential.split("-")
    assert len(groups) == 7 and all(len(g) == 4 for g in groups)
    assert groups[0] == issued.credential_id
    assert not set("".join(groups)) & set("01OIL")
    assert set("".join(groups)) <= set(credentials.ALPHABET)
    assert 24 * math.log2(len(credentials.ALPHABET)) >= 100
    with database.transaction(write=False) as db:
        stored = db.get(Delegate, issued.delegate_id)
        assert stored.credential_hash.startswith("$argon2id$")
        assert issued.credential.replace("-", "") not in stored.credential_hash


def test_credentials_differ_every_time(database, settings):
    with database.transaction() as db:
        assembly = make_assembly(db)
        issued = [accredit(db, settings, assembly.id, make_organization(db).id)
                  for _ in range(20)]
    assert len({c.credential for c in issued}) == 20
    assert len({c.credential_id for c in issued}) == 20


@pytest.mark.parametrize("transform", [
    lambda c: c,
    lambda c: c.lower(),
    lambda c: c.replace("-", ""),
    lambda c: c.replace("-", " ").lower(),
    lambda c: "  " + c.replace("-", " - ") + "\n",
])
def test_login_accepts_the_credential_however_it_is_typed(database, settings, transform):
    issued = _accredited(database, settings)
    with database.transaction() as db:
        token, delegate = services.login_delegate(db, settings, transform(issued.credential),
                                                  "1.1.1.1", utcnow())
        assert delegate.id == issued.delegate_id
    with database.transaction(write=False) as db:
        principal = auth.resolve(db, settings, token, utcnow())
    assert principal is not None
    assert (principal.kind, principal.role, principal.delegate_id, principal.name) == (
        "delegate", "delegate", issued.delegate_id, "Rosa Quispe")


def test_wrong_unknown_and_malformed_credentials_are_refused(database, settings):
    issued = _accredited(database, settings)
    last = issued.credential[-1]
    wrong = issued.credential[:-1] + ("Z" if last != "Z" else "Y")
    unknown = ("ZZZZ" if issued.credential_id != "ZZZZ" else "YYYY") + issued.credential[4:]
    for typed, code in ((wrong, "bad_credential"), (unknown, "bad_credential"),
                        (issued.credential[:-2], "malformed_credential"),
                        ("O0O0-1111", "malformed_credential")):
        with database.transaction() as db, pytest.raises(errors.NotAuthenticated) as caught:
            services.login_delegate(db, settings, typed, "1.1.1.1", utcnow())
        assert caught.value.code == code


def _fail(database, typed, client, now, times):
    for _ in range(times):
        with database.transaction() as db:
            credentials.record_failure(db, typed, client, now)


def test_failures_are_throttled_per_identifier_but_not_for_long(database, settings):
    issued = _accredited(database, settings)
    now = utcnow()
    guess = issued.credential_id + "-2222-2222-2222-2222-2222-2222"
    _fail(database, guess, "6.6.6.6", now, auth.MAX_FAILURES_PER_ACCOUNT)
    # even the right credential, from another address, waits: the identifier is throttled
    with database.transaction() as db, pytest.raises(errors.RateLimited) as caught:
        services.login_delegate(db, settings, issued.credential, "7.7.7.7", now)
    assert caught.value.retry_after == int(auth.WINDOW.total_seconds())
    later = now + auth.WINDOW + timedelta(seconds=1)
    with database.transaction() as db:
        token, _ = services.login_delegate(db, settings, issued.credential, "7.7.7.7", later)
        assert token


def test_failures_are_throttled_per_client_address(database, settings):
    issued = _accredited(database, settings)
    now = utcnow()
    for n in range(auth.MAX_FAILURES_PER_CLIENT):
        _fail(database, f"{credentials.ALPHABET[n % 31]}ABC-2222", "6.6.6.6", now, 1)
    with database.transaction() as db, pytest.raises(errors.RateLimited):
        services.login_delegate(db, settings, issued.credential, "6.6.6.6", now)
    with database.transaction() as db:
        assert services.login_delegate(db, settings, issued.credential, "8.8.8.8", now)[0]


def test_revocation_ends_sessions_even_before_their_rows_go(database, settings):
    issued = _accredited(database, settings)
    now = utcnow()
    with database.transaction() as db:
        token, _ = services.login_delegate(db, settings, issued.credential, "1.1.1.1", now)
    with database.transaction() as db:
        # revoke by hand, leaving the session row: the resolver must still refuse it
        delegate = db.get(Delegate, issued.delegate_id)
        delegate.revoked_at = now
    with database.transaction(write=False) as db:
        assert auth.resolve(db, settings, token, now) is None
        with pytest.raises(errors.Forbidden):
            services.active_delegate(db, issued.delegate_id)
    with database.transaction() as db, pytest.raises(errors.NotAuthenticated):
        services.login_delegate(db, settings, issued.credential, "1.1.1.1", now)


def test_reissue_gives_a_new_credential_and_ends_the_old_one(database, settings):
    issued = _accredited(database, settings)
    now = utcnow()
    with database.transaction() as db:
        token, _ = services.login_delegate(db, settings, issued.credential, "1.1.1.1", now)
    with database.transaction() as db:
        again = services.reissue_credential(db, settings, issued.assembly_id, issued.delegate_id,
                                            ACTOR, now)
    assert again.delegate_id == issued.delegate_id
    assert again.credential != issued.credential and again.credential_id != issued.credential_id
    with database.transaction() as db:
        assert auth.resolve(db, settings, token, now) is None
        with pytest.raises(errors.NotAuthenticated):
            services.login_delegate(db, settings, issued.credential, "1.1.1.1", now)
    with database.transaction() as db:
        assert services.login_delegate(db, settings, again.credential, "1.1.1.1", now)[0]


def test_one_active_delegate_per_organization(database, settings):
    issued = _accredited(database, settings)
    now = utcnow()
    with database.transaction() as db, pytest.raises(errors.Conflict) as caught:
        services.issue_credential(db, settings, issued.assembly_id, issued.organization_id,
                                  "Otra Persona", ACTOR, now)
    assert caught.value.code == "delegate_exists"
    with database.transaction() as db:
        services.revoke_credential(db, issued.assembly_id, issued.delegate_id, ACTOR, now)
        with pytest.raises(errors.Conflict):
            services.revoke_credential(db, issued.assembly_id, issued.delegate_id, ACTOR, now)
        replacement = services.issue_credential(db, settings, issued.assembly_id,
                                                issued.organization_id, "Otra Persona", ACTOR, now)
        assert replacement.delegate_id != issued.delegate_id
        count = db.scalars(select(Delegate).where(
            Delegate.organization_id == issued.organization_id)).all()
        assert len(count) == 2


def test_printing_issues_fresh_credentials_for_the_chosen_delegates(database, settings):
    now = utcnow()
    with database.transaction() as db:
        assembly = make_assembly(db)
        first = accredit(db, settings, assembly.id, make_organization(db).id, "Ana")
        second = accredit(db, settings, assembly.id, make_organization(db).id, "Beto")
        printed = services.print_credentials(db, settings, assembly.id, "unprinted", ACTOR, now)
        assert {c.name for c in printed} == {"Ana", "Beto"}
        assert services.print_credentials(db, settings, assembly.id, "unprinted", ACTOR,
                                          now) == []
        again = services.print_credentials(db, settings, assembly.id, "all", ACTOR, now,
                                           [second.delegate_id])
        assert [c.delegate_id for c in again] == [second.delegate_id]
    with database.transaction() as db:
        with pytest.raises(errors.NotAuthenticated):
            services.login_delegate(db, settings, first.credential, "1.1.1.1", now)
    with database.transaction() as db:
        assert services.login_delegate(db, settings, again[0].credential, "1.1.1.1", now)[0]


def test_check_in_self_check_in_and_check_out(database, settings):
    now = utcnow()
    with database.transaction() as db:
        org = make_organization(db)
        planned = make_assembly(db, self_check_in=True)
        issued = accredit(db, settings, planned.id, org.id)
        with pytest.raises(errors.Conflict):
            services.check_in(db, planned.id, issued.delegate_id, ACTOR, now)
        services.change_state(db, planned.id, "accreditation", ACTOR, now)
        delegate = services.self_check_in(db, issued.delegate_id, now)
        assert delegate.checked_in_at is not None and delegate.checked_in_by == (
            f"delegate:{issued.delegate_id}")
        assert services.present_organization_ids(db, planned.id) == {org.id}
        services.check_out(db, planned.id, issued.delegate_id, ACTOR, now)
        assert services.present_organization_ids(db, planned.id) == set()
        strict = make_assembly(db, state="accreditation")
        other = accredit(db, settings, strict.id, make_organization(db).id)
        with pytest.raises(errors.Forbidden):
            services.self_check_in(db, other.delegate_id, now)
