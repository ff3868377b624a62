"""The OpenAPI document covers the fixed operations, and every response carries the headers."""

from __future__ import annotations

from governance.app import DOMAINS

FIXED_SO_FAR = {"login", "logout", "listOrganizations", "createOrganization",
                "updateOrganization", "importOrganizations"}


def test_openapi_lists_every_operation_with_its_fixed_id(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    ids = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert FIXED_SO_FAR <= ids
    declared = {o.operation_id for d in DOMAINS for o in d.api.operations}
    assert ids == declared
    for path, operations in document["paths"].items():
        assert ":" not in path
        for operation in operations.values():
            assert operation["summary"] and operation["responses"]


def test_security_headers_on_pages_and_api(client):
    for response in (client.get("/"), client.get("/api/v1/openapi.json")):
        csp = response.headers["content-security-policy"]
        assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"


def test_home_page_speaks_the_language_asked(client):
    assert 'lang="en"' in client.get("/", headers={"Accept-Language": "en-US"}).text
    assert 'lang="es"' in client.get("/", headers={"Accept-Language": "fr"}).text
