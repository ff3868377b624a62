"""Sessions and cookies (ASVS 5.0 V7, V3), through HTTP: random ids of 256 bits stored only as
hashes, a new id at every login (staff and delegate), idle and absolute timeouts, logout and
revocation effective at once on every worker, and the cookie attributes in both modes."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from governance import cli
from governance.auth import services as auth
from governance.auth.models import LoginSession
from governance.db import utcnow
from governance.settings import Settings
from governance.web import transaction
from tests.factories import PASSWORD, csrf, make_staff
from tests.factories_security import log_in, make_world


def _set_cookies(response) -> dict[str, str]:
    """name -> the whole Set-Cookie line."""
    return {line.split("=", 1)[0]: line for line in response.headers.get_list("set-cookie")}


def _staff_login(browser: TestClient, username: str) -> object:
    return browser.post("/login", data={"username": username, "password": PASSWORD,
                                        "csrf_token": csrf(browser), "next": "/"})


def test_session_ids_are_256_random_bits_stored_only_as_hashes(app, client, database, settings):
    world = make_world(database, settings)
    tokens = {log_in(app, "admin", world).browser.cookies.get("asamblea_session")
              for _ in range(3)}
    assert len(tokens) == 3
    for token in tokens:
        assert len(base64.urlsafe_b64decode(token + "=")) == 32  # ≥ 128 bits (ASVS 7.2.3)
    with database.transaction(write=False) as db:
        stored = set(db.scalars(select(LoginSession.token_hash)))
    assert not tokens & stored and {auth.token_hash(t) for t in tokens} <= stored


@pytest.mark.parametrize("role", ["board", "delegate"])
def test_login_gives_a_new_id_and_ends_the_session_the_browser_had(app, client, database,
                                                                    settings, role):
    world = make_world(database, settings)
    browser = TestClient(app, follow_redirects=False)
    browser.cookies.set("asamblea_session", "planted-by-an-attacker",  # fixation attempt
                        domain="testserver.local")
    with database.transaction() as db:
        first = make_staff(db, settings, "auditor").username
    assert _staff_login(browser, first).status_code == 303
    earlier = browser.cookies.get("asamblea_session")
    assert earlier != "planted-by-an-attacker"
    if role == "delegate":
        response = browser.post("/login/credential", data={
            "credential": world.credential, "csrf_token": csrf(browser)})
    else:
        with database.transaction() as db:
            username = make_staff(db, settings, role).username
        response = _staff_login(browser, username)
    assert response.status_code == 303
    later = browser.cookies.get("asamblea_session")
    assert later not in (earlier, "planted-by-an-attacker")
    with database.transaction(write=False) as db:
        assert auth.resolve(db, settings, earlier, utcnow()) is None  # the old one ended
        assert auth.resolve(db, settings, later, utcnow()).role == role


def _at(monkeypatch, moment):
    # the clock the plumbing reads when it finds and touches the session
    monkeypatch.setattr(transaction, "utcnow", lambda: moment)


def test_idle_timeout_ends_the_session_for_pages_and_api(app, client, database, settings,
                                                         monkeypatch):
    world = make_world(database, settings)
    admin = log_in(app, "admin", world)
    start = utcnow()
    idle = timedelta(minutes=settings.session_idle_minutes)
    _at(monkeypatch, start + idle - timedelta(minutes=1))
    assert admin.browser.get("/organizations").status_code == 200  # activity keeps it alive
    _at(monkeypatch, start + 2 * idle - timedelta(minutes=2))
    assert admin.browser.get("/organizations").status_code == 200
    _at(monkeypatch, start + 3 * idle)  # idle for longer than the limit
    page = admin.browser.get("/organizations")
    assert page.status_code == 303 and page.headers["location"].startswith(
        "http://testserver/login?next=")
    assert admin.browser.get("/api/v1/organizations", headers=admin.api).status_code == 401


def test_absolute_timeout_ends_even_an_active_session(app, client, database, settings,
                                                      monkeypatch):
    world = make_world(database, settings)
    admin = log_in(app, "admin", world)
    start, step = utcnow(), timedelta(minutes=settings.session_idle_minutes - 5)
    moment = start
    while moment + step < start + timedelta(hours=settings.session_absolute_hours):
        moment += step
        _at(monkeypatch, moment)
        assert admin.browser.get("/organizations").status_code == 200, moment - start
        assert admin.browser.get("/api/v1/organizations", headers=admin.api).status_code == 200
    _at(monkeypatch, start + timedelta(hours=settings.session_absolute_hours, seconds=1))
    assert admin.browser.get("/organizations").status_code == 303
    assert admin.browser.get("/api/v1/organizations", headers=admin.api).status_code == 401


def test_logout_and_revocation_end_sessions_at_once_on_every_worker(client, database,
                                                                    settings, make_app):
    """Two app instances on one database stand for two workers: what one ends, the other
    refuses on the very next request."""
    one, two = make_app(settings), make_app(settings)
    world = make_world(database, settings)
    admin = log_in(one, "admin", world)
    delegate = log_in(one, "delegate", world)
    committee = log_in(two, "committee", world)
    assert admin.browser.get("/api/v1/organizations", headers=admin.api).status_code == 200
    # logout of the bearer token on worker two
    assert TestClient(two).post("/api/v1/logout", headers=admin.api).status_code == 200
    assert admin.browser.get("/api/v1/organizations", headers=admin.api).status_code == 401
    assert admin.browser.get("/organizations").status_code == 200  # the page session is its own
    # browser logout on worker two with the cookie of worker one's session
    other_browser = TestClient(two, follow_redirects=False)
    other_browser.cookies.set("asamblea_session", admin.browser.cookies.get("asamblea_session"),
                              domain="testserver.local")
    token = csrf(other_browser, "/")
    assert other_browser.post("/logout", data={"csrf_token": token}).status_code == 303
    assert admin.browser.get("/organizations").status_code == 303
    # revocation on worker two ends the delegate's page and API sessions on worker one
    assert delegate.browser.get("/me").status_code == 200
    revoked = committee.browser.post(
        f"/api/v1/assemblies/{world.assembly_id}/delegates/{world.delegate_id}/revoke",
        headers=committee.api)
    assert revoked.status_code == 200, revoked.text
    assert delegate.browser.get("/me").status_code == 303
    assert delegate.browser.get("/api/v1/me", headers=delegate.api).status_code == 401
    cast = delegate.browser.post(f"/api/v1/polls/{world.open_poll_id}/ballots",
                                 headers=delegate.api, json={"choice": "yes"})
    assert cast.status_code == 401


def test_logout_clears_the_cookie(app, client, database, settings):
    admin = log_in(app, "admin", make_world(database, settings))
    token = csrf(admin.browser, "/")
    response = admin.browser.post("/logout", data={"csrf_token": token})
    line = _set_cookies(response)["asamblea_session"]
    assert "Max-Age=0" in line and "HttpOnly" in line


def test_secure_mode_cookies_are_host_prefixed_secure_httponly_samesite(database, settings,
                                                                       make_app):
    secure = replace(settings, secure_cookies=True)
    app = make_app(secure)
    with database.transaction() as db:
        username = make_staff(db, secure, "board").username
    browser = TestClient(app, base_url="https://testserver", follow_redirects=False)
    page = browser.get("/login")
    assert page.headers["strict-transport-security"].startswith("max-age=")
    pre = _set_cookies(page)["__Host-asamblea_csrf"]
    token = browser.cookies.get("__Host-asamblea_csrf")
    response = browser.post("/login", data={"username": username, "password": PASSWORD,
                                            "csrf_token": token, "next": "/"})
    assert response.status_code == 303
    session = _set_cookies(response)["__Host-asamblea_session"]
    for line in (pre, session):
        attributes = {part.strip().split("=")[0] for part in line.split(";")[1:]}
        assert {"Path", "HttpOnly", "SameSite", "Secure"} <= attributes
        assert "Domain" not in attributes  # __Host- cookies must have none
        assert "SameSite=Lax" in line and "Path=/" in line
    assert f"Max-Age={secure.session_absolute_hours * 3600}" in session
    assert browser.get("/organizations").status_code == 200  # the cookie works over https
    assert "asamblea_session" not in browser.cookies  # no unprefixed cookie at all


def test_demo_mode_cookies_work_over_plain_http_without_hsts(app, client, database, settings):
    assert settings.secure_cookies is False
    browser = TestClient(app, follow_redirects=False)
    page = browser.get("/login")
    assert "strict-transport-security" not in page.headers
    line = _set_cookies(page)["asamblea_csrf"]
    assert "HttpOnly" in line and "SameSite=Lax" in line and "Secure" not in line


def test_secure_cookies_are_the_default_outside_the_demo(monkeypatch, tmp_path):
    # every variable the demo command sets is put back after the test
    monkeypatch.setenv("ASAMBLEA_SECURE_COOKIES", "")
    monkeypatch.setenv("ASAMBLEA_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.db'}")
    monkeypatch.setenv("ASAMBLEA_DATA_DIR", str(tmp_path / "data"))
    assert Settings.from_env().secure_cookies is True
    monkeypatch.setattr("governance.demo.prepare", lambda settings: [])
    assert cli.main(["demo", "--no-serve"]) == 0
    assert Settings.from_env().secure_cookies is False  # `asamblea demo` serves plain http


def test_disabling_a_staff_account_ends_its_sessions_at_once(app, client, database, settings,
                                                             monkeypatch, capsys):
    with database.transaction() as db:
        username = make_staff(db, settings, "committee").username
    browser = TestClient(app, follow_redirects=False)
    assert _staff_login(browser, username).status_code == 303
    token = client.post("/api/v1/login", json={"username": username, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json()['token']}"}
    assert browser.get("/organizations").status_code == 200
    monkeypatch.setenv("ASAMBLEA_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("ASAMBLEA_DATA_DIR", str(settings.data_dir))
    assert cli.main(["user", "disable", "--username", username]) == 0
    assert "its sessions have ended" in capsys.readouterr().out
    assert browser.get("/organizations").status_code == 303
    assert client.get("/api/v1/organizations", headers=headers).status_code == 401
    again = client.post("/api/v1/login", json={"username": username, "password": PASSWORD})
    assert again.status_code == 401  # a disabled account cannot log in
    assert cli.main(["user", "enable", "--username", username]) == 0
    assert client.post("/api/v1/login", json={"username": username,
                                              "password": PASSWORD}).status_code == 200
    assert cli.main(["user", "disable", "--username", "nobody-here"]) == 1
