"""Security headers on every response: pages, API, static files, redirects and every kind of
error, the 500 included (which Starlette answers from outside the middleware stack); the CSP
nonce is fresh per response and is the one the page's inline script carries."""

from __future__ import annotations

import re
from dataclasses import replace

from starlette.routing import Route
from starlette.testclient import TestClient

from tests.factories import staff
from tests.factories_security import security_header_problems


async def _boom(request):
    raise RuntimeError("a bug, not a user mistake")


def _with_a_bug(app):
    app.router.routes.insert(0, Route("/boom", _boom))
    app.router.routes.insert(0, Route("/api/v1/boom", _boom))
    return TestClient(app, raise_server_exceptions=False, follow_redirects=False)


def _responses(client, headers):
    yield client.get("/")
    yield client.get("/login")
    yield client.head("/login")
    yield client.get("/static/asamblea.css")
    yield client.get("/static/no-such-file.css")  # 404 from the static files
    yield client.get("/organizations")  # 303 to the login page
    yield client.get("/no/such/page")  # 404 page
    yield client.get("/api/v1/no-such-operation")  # 404 JSON
    yield client.delete("/login")  # 405
    yield client.get("/api/v1/organizations")  # 401 JSON
    yield client.post("/api/v1/organizations", headers=headers, json={"name": ""})  # 422
    yield client.post("/login", data={"username": "x"})  # 403, no form token
    yield client.post("/api/v1/organizations/import",
                      headers={**headers, "Content-Length": "999999999"})  # 413, declared
    yield client.get("/polls/" + "9" * 5000)  # 414
    yield client.get("/boom")  # 500 page
    yield client.get("/api/v1/boom")  # 500 JSON


def test_every_kind_of_response_carries_the_headers(app, client):
    headers = staff(client, "committee")
    bugged = _with_a_bug(app)
    statuses = []
    for response in _responses(bugged, headers):
        statuses.append(response.status_code)
        assert security_header_problems(response) == [], (response.request.url,
                                                           response.status_code)
    assert statuses == [200, 200, 200, 200, 404, 303, 404, 404, 405, 401, 422, 403, 413, 414,
                        500, 500]


def test_hsts_only_when_served_over_https(database, settings, make_app):
    app = make_app(replace(settings, secure_cookies=True))
    bugged = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    app.router.routes.insert(0, Route("/boom", _boom))
    for path in ("/", "/static/asamblea.css", "/no/such/page", "/api/v1/openapi.json", "/boom"):
        response = bugged.get(path)
        assert security_header_problems(response, hsts=True) == [], path
        assert "max-age=31536000" in response.headers["strict-transport-security"]


def test_the_csp_nonce_is_fresh_and_matches_the_inline_script(client):
    nonces = set()
    for _ in range(3):
        response = client.get("/login")
        nonce = re.search(r"'nonce-([^']+)'", response.headers["content-security-policy"])
        assert nonce
        nonces.add(nonce.group(1))
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", response.text):
            assert f'nonce="{nonce.group(1)}"' in tag, tag
    assert len(nonces) == 3
    csp = client.get("/").headers["content-security-policy"]
    assert "default-src 'self'" in csp and "form-action 'self'" in csp


def test_pages_and_answers_are_not_cached_static_files_may_be(client):
    assert client.get("/login").headers["cache-control"] == "no-store"
    assert client.get("/api/v1/openapi.json").headers["cache-control"] == "no-store"
    assert "no-store" not in client.get("/static/asamblea.css").headers.get("cache-control", "")


def test_uploaded_letters_keep_their_stricter_sandbox(client):
    """A response that sets its own CSP keeps it (a proxy letter is sandboxed)."""
    from tests.factories_security import log_in, make_world

    app = client.app
    world = make_world(app.state.database, app.state.settings)
    committee = log_in(app, "committee", world)
    letter = committee.browser.get(
        f"/assemblies/{world.assembly_id}/proxies/{world.proxy_id}/letter")
    assert letter.status_code == 200
    assert letter.headers["content-security-policy"].startswith("sandbox; default-src 'none'")
    assert security_header_problems(letter) == []
    assert letter.headers["x-content-type-options"] == "nosniff"
    assert letter.headers["content-disposition"].startswith("attachment")
