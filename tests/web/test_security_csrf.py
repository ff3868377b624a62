"""CSRF: every page route that accepts a POST refuses it without the form token, with a wrong
token, with another session's token and from another site; nothing changes when it refuses.
The API takes bearer tokens only: a browser's cookie does not reach it."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from governance.web.middleware import csrf_for_session
from tests.factories_security import log_in, make_world, snapshot
from tests.web import security_matrix as matrix
from tests.web.test_security_matrix import endpoints, url

# Who posts each form when the token is wrong: someone the route would otherwise let in, so
# that the refusal can only come from the token.
PREFERRED = ("admin", "delegate", "anonymous")


def _posts(app):
    return [(name, route) for kind, name, method, route in endpoints(app)
            if kind == "page" and method == "POST"]


def test_every_form_route_is_in_the_walk(app):
    names = {name for name, _route in _posts(app)}
    # the forms of the app today; a new one joins the walk below by itself
    assert {"login_submit", "vote_cast", "delegate_revoke", "poll_close",
            "organization_import_submit"} <= names


@pytest.mark.parametrize("token_kind", ["missing", "wrong", "other_session"])
def test_every_form_refuses_a_bad_token_and_changes_nothing(app, client, database, settings,
                                                             token_kind):
    world = make_world(database, settings)
    actors = {role: log_in(app, role, world) for role in PREFERRED}
    stranger = log_in(app, "admin", world)  # another session, whose token is not ours
    before = snapshot(database)
    problems = []
    for name, route in _posts(app):
        role = next(r for r in PREFERRED if r in matrix.PAGES[name])
        actor = actors[role]
        form = {"missing": {}, "wrong": {"csrf_token": "x" * 64},
                "other_session": {"csrf_token": csrf_for_session(
                    stranger.browser.cookies.get("asamblea_session"))}}[token_kind]
        response = actor.browser.post(url("page", name, route, world), data=form)
        if response.status_code != 403 or response.context["code"] != "csrf":
            problems.append(f"{name} as {role}: {response.status_code}")
    assert problems == []
    assert snapshot(database) == before


def test_forms_from_another_site_are_refused_even_with_the_token(app, client, database,
                                                                  settings):
    world = make_world(database, settings)
    admin = log_in(app, "admin", world)
    token = csrf_for_session(admin.browser.cookies.get("asamblea_session"))
    path = f"/assemblies/{world.assembly_id}/roll/freeze"
    before = snapshot(database)
    for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"},
                    {"Sec-Fetch-Site": "cross-site"}):
        response = admin.browser.post(path, data={"csrf_token": token}, headers=headers)
        assert response.status_code == 403, headers
        assert "Content-Security-Policy" in response.headers
    assert snapshot(database) == before
    # the same form from our own pages goes through
    same = admin.browser.post(path, data={"csrf_token": token},
                              headers={"Origin": "http://testserver",
                                       "Sec-Fetch-Site": "same-origin"})
    assert same.status_code in (303, 409)


def test_the_login_form_token_is_bound_to_the_browser(app, client, database, settings):
    """Before logging in, the token is the browser's own random cookie (double submit): a
    token read by another browser does not log this one in (login CSRF)."""
    world = make_world(database, settings)
    victim, attacker = log_in(app, "anonymous", world), log_in(app, "anonymous", world)
    attacker.browser.get("/login")
    victim.browser.get("/login")
    forged = attacker.browser.cookies.get("asamblea_csrf")
    response = victim.browser.post("/login/credential", data={
        "credential": world.credential, "csrf_token": forged})
    assert response.status_code == 403 and response.context["code"] == "csrf"
    assert victim.browser.cookies.get("asamblea_session") is None


def test_the_api_ignores_browser_cookies(app, client, database, settings):
    world = make_world(database, settings)
    admin = log_in(app, "admin", world)
    assert admin.browser.cookies.get("asamblea_session")
    before = snapshot(database)
    # the cookie alone is nobody on the API, for reads and for changes alike
    read = admin.browser.get("/api/v1/organizations")
    assert read.status_code == 401 and read.json()["error"]["code"] == "not_authenticated"
    write = admin.browser.post("/api/v1/organizations",
                               json={"name": "Por la cookie", "country": "PE", "members": 1})
    assert write.status_code == 401
    close = admin.browser.post(f"/api/v1/polls/{world.open_poll_id}/close")
    assert close.status_code == 401
    assert snapshot(database) == before
    # and a bearer token on a page is not a session either
    fresh = TestClient(app, follow_redirects=False)
    page = fresh.get("/organizations", headers=admin.api)
    assert page.status_code == 303 and "/login" in page.headers["location"]
