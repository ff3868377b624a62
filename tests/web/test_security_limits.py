"""Request limits: every route that takes a body refuses one that is too large (declared or
streamed), every operation has its own tighter limit, uploads are judged by their bytes, lists
have a ceiling, and odd addresses and forms get a 4xx."""

from __future__ import annotations

import pytest

from governance.assemblies import letters
from governance.organizations import importer
from governance.web import api as web_api
from governance.web import middleware
from tests.factories import csrf
from tests.factories_security import log_in, make_world
from tests.web.test_security_matrix import endpoints, url


def _streamed(size: int):
    """A body sent in chunks, without Content-Length."""
    chunk = b"a" * 1000
    for _ in range(size // 1000):
        yield chunk


def test_every_route_refuses_a_body_over_the_limit(app, client, database, settings,
                                                   monkeypatch):
    monkeypatch.setattr(middleware, "MAX_BODY_BYTES", 5_000)
    world = make_world(database, settings)
    admin = log_in(app, "admin", world)
    unsafe = [(kind, name, method, route) for kind, name, method, route in endpoints(app)
              if method in ("POST", "PUT", "PATCH")]
    assert len(unsafe) > 40
    for kind, name, method, route in unsafe:
        response = admin.browser.request(method, url(kind, name, route, world),
                                         content=b"x" * 6_000, headers=admin.api)
        assert response.status_code == 413, (name, response.status_code)
        if kind == "api":
            assert response.json()["error"]["code"] == "too_large"


@pytest.mark.parametrize(("path", "content_type"), [
    ("/api/v1/organizations", "application/json"),
    ("/api/v1/organizations/import", "text/csv"),
    ("/organizations/import", "application/x-www-form-urlencoded"),
])
def test_a_streamed_body_is_cut_off_at_the_limit(app, client, database, settings, monkeypatch,
                                                 path, content_type):
    monkeypatch.setattr(middleware, "MAX_BODY_BYTES", 5_000)
    world = make_world(database, settings)
    committee = log_in(app, "committee", world)
    response = committee.browser.post(path, content=_streamed(20_000),
                                      headers={**committee.api, "Content-Type": content_type})
    assert response.status_code == 413


def test_each_operation_has_its_own_tighter_limit(app, client, database, settings):
    world = make_world(database, settings)
    committee = log_in(app, "committee", world)
    big_json = b'{"name": "' + b"a" * web_api.MAX_JSON_BYTES + b'"}'
    assert client.post("/api/v1/organizations", content=big_json, headers={
        **committee.api, "Content-Type": "application/json"}).status_code == 413
    big_csv = b"name,country,members\n" + b"x" * importer.MAX_BYTES
    assert client.post("/api/v1/organizations/import", content=big_csv, headers={
        **committee.api, "Content-Type": "text/csv"}).status_code == 413
    big_letter = b"%PDF-" + b"0" * letters.MAX_BYTES
    letter = client.put(f"/api/v1/assemblies/{world.assembly_id}/proxies/{world.proxy_id}"
                        "/letter", content=big_letter, headers={
                            **committee.api, "Content-Type": "application/octet-stream"})
    assert letter.status_code == 413


def test_uploads_are_judged_by_their_bytes_not_their_names(app, client, database, settings):
    world = make_world(database, settings)
    committee = log_in(app, "committee", world)
    base = f"/api/v1/assemblies/{world.assembly_id}/proxies/{world.proxy_id}/letter"
    for body, name in ((b"<html><script>alert(1)</script>", "carta.pdf"),
                       (b"MZ\x90\x00 an executable", "carta.png"), (b"", "carta.pdf")):
        response = client.put(f"{base}?filename={name}", content=body, headers={
            **committee.api, "Content-Type": "application/pdf"})
        assert response.status_code == 422, name
    # the registry import takes text only, on the page as on the API
    token = csrf(committee.browser, "/organizations/import")
    for upload in (b"\x00\x01binary", b"<html><body>not a registry</body></html>"):
        page = committee.browser.post("/organizations/import", data={"csrf_token": token},
                                      files={"file": ("orgs.csv", upload, "text/csv")})
        assert page.status_code == 422 and page.context["error"]
        api = client.post("/api/v1/organizations/import", content=upload,
                          headers={**committee.api, "Content-Type": "text/csv"})
        assert api.status_code == 422 and api.json()["error"]["code"] == "bad_file"


@pytest.mark.parametrize("query", [
    "/api/v1/organizations?page_size=100000", "/api/v1/organizations?page=100001",
    "/api/v1/organizations?page=99999999999999999999999",
    "/api/v1/assemblies/{a}/delegates?page=1000000",
    "/api/v1/auth-attempts?page_size=501", "/api/v1/audit/events?limit=1001",
    "/api/v1/organizations?page=-1", "/api/v1/organizations?page=1&page=2",
    "/api/v1/organizations?sort=name",
])
def test_lists_have_a_ceiling_and_odd_parameters_are_refused(app, client, database, settings,
                                                             query):
    world = make_world(database, settings)
    admin = log_in(app, "admin", world)
    response = client.get(query.format(a=world.assembly_id), headers=admin.api)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] in ("invalid", "unknown_parameter")


def test_the_largest_pages_allowed_still_answer(app, client, database, settings):
    world = make_world(database, settings)
    admin = log_in(app, "admin", world)
    listed = client.get("/api/v1/organizations?page_size=500&page=100000", headers=admin.api)
    assert listed.status_code == 200 and listed.json()["organizations"] == []
    page = admin.browser.get("/organizations?page=100000")
    assert page.status_code == 200
    beyond = admin.browser.get(f"/assemblies/{world.assembly_id}/delegates?page=9999999999999")
    assert beyond.status_code == 200  # a page past the end shows the list, not an error


def test_odd_addresses_and_forms_get_a_4xx(app, client, database, settings):
    world = make_world(database, settings)
    admin = log_in(app, "admin", world)
    assert admin.browser.get("/polls/" + "9" * 5000).status_code == 414
    assert admin.browser.get(f"/polls/{2**31}").status_code == 404
    assert admin.browser.get(f"/api/v1/polls/{2**40}", headers=admin.api).status_code == 404
    assert admin.browser.get("/polls/0").status_code == 404
    token = csrf(admin.browser, "/")
    too_many = {f"f{n}": "x" for n in range(600)} | {"csrf_token": token}
    assert admin.browser.post("/assemblies/new", data=too_many).status_code == 400
    bad_json = client.post("/api/v1/organizations", content=b'{"members": NaN}',
                           headers={**admin.api, "Content-Type": "application/json"})
    assert bad_json.status_code == 422 and bad_json.json()["error"]["code"] == "malformed"
    deep = b"[" * 100_000 + b"]" * 100_000
    nested = client.post("/api/v1/organizations", content=deep,
                         headers={**admin.api, "Content-Type": "application/json"})
    assert nested.status_code == 422


def test_nul_characters_are_refused_everywhere_with_a_4xx(app, client, database, settings):
    """Found by schemathesis on PostgreSQL, which refuses NUL in text: a 500 before."""
    world = make_world(database, settings)
    admin = log_in(app, "admin", world)
    assert client.get("/api/v1/archive/search?tag=a%00b").status_code == 422
    assert admin.browser.get("/organizations?q=%00").status_code == 422
    assert admin.browser.get("/archive/T%00-1").status_code == 422
    created = client.post("/api/v1/organizations", headers=admin.api,
                          json={"name": "Café\u0000", "country": "PE", "members": 1})
    assert created.status_code == 422 and "NUL" in created.json()["error"]["message"]
    token = csrf(admin.browser, "/")
    form = admin.browser.post("/assemblies/new", data={"csrf_token": token, "title": "a\x00b"})
    assert form.status_code == 422
