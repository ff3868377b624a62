"""Authorization: every route and API operation, walked with every role, against the
documented allow/deny matrix (tests/web/security_matrix.py and docs/security.md); reading any
page or operation (GET) as any role changes nothing in the database; every answer on the way
carries the security headers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from starlette.routing import Mount, Route

from tests.factories_security import (
    PDF,
    ROLES,
    Actor,
    log_in,
    make_world,
    security_header_problems,
    snapshot,
)
from tests.web import security_matrix as matrix

# A refusal for who you are, as opposed to a refusal of what you asked (a domain 403 such as
# "check in before voting" means the role was let through).
ROLE_REFUSALS = {"forbidden", "not_a_delegate"}
# Each route's poll, when the open poll is not the one it is about.
POLL_FOR = {"poll_open": "draft_poll_id", "openPoll": "draft_poll_id",
            "receipt_page": "closed_poll_id", "receipt_download": "closed_poll_id",
            "cosign_form": "closed_poll_id", "addCosignature": "closed_poll_id",
            "getResult": "closed_poll_id", "exportAuditBundle": "closed_poll_id",
            "getInclusionProof": "closed_poll_id", "listCheckpoints": "closed_poll_id"}
LAST = ("logout",)  # ends the actor's own session


def endpoints(app: Any) -> list[tuple[str, str, str, Any]]:
    """(kind, name, method, route) for every route of the app: pages, API, static."""
    found = []
    for route in app.routes:
        if isinstance(route, Mount) and route.name == "api":
            found += [("api", r.name, m, r) for r in route.routes for m in sorted(r.methods)
                      if m != "HEAD"]
        elif isinstance(route, Mount):
            found.append(("page", route.name, "GET", route))
        else:
            assert isinstance(route, Route)
            found += [("page", route.name, m, route) for m in sorted(route.methods or [])
                      if m != "HEAD"]
    return found


def url(kind: str, name: str, route: Any, world: Any) -> str:
    params = {**world.params}
    if name in POLL_FOR:
        params["poll_id"] = getattr(world, POLL_FOR[name])
    path = ("/api/v1" if kind == "api" else "") + route.path
    if isinstance(route, Mount):
        path += "/{path}"
    filled = re.sub(r"\{(\w+)(:\w+)?\}", lambda m: str(params[m.group(1)]), path)
    if name in ("getInclusionProof", "receipt_page"):
        filled += f"?receipt={world.receipt}"
    return filled


def call(actor: Actor, kind: str, name: str, method: str, path: str, token: str) -> Any:
    client = actor.browser
    if method == "GET":
        return client.get(path, headers=actor.api if kind == "api" else {})
    if kind == "page":
        return client.request(method, path, data={"csrf_token": token})
    if name == "importOrganizations":
        body: dict[str, Any] = {"content": b"name,country,members\n",
                                "headers": {**actor.api, "Content-Type": "text/csv"}}
    elif name == "attachProxyLetter":
        body = {"content": PDF, "headers": {**actor.api,
                                            "Content-Type": "application/octet-stream"}}
    else:
        body = {"json": {}, "headers": actor.api}
    return client.request(method, path, **body)


def refused(response: Any, kind: str) -> bool:
    """Did the app refuse this caller for who it is (not logged in, or the wrong role)?"""
    status = response.status_code
    if status == 401:
        # on pages a 401 is the login form saying the password was wrong (a refusal redirects)
        return kind == "api" and response.json()["error"]["code"] == "not_authenticated"
    if status == 303 and kind == "page":
        target = urlsplit(response.headers["location"])
        return target.path == "/login" and "next=" in target.query
    if status == 403:
        code = response.json()["error"]["code"] if kind == "api" else response.context["code"]
        return code in ROLE_REFUSALS
    return False


def ordered(routes: list[tuple[str, str, str, Any]]) -> list[tuple[str, str, str, Any]]:
    return sorted(routes, key=lambda r: (r[2] != "GET", r[1] in LAST))


@pytest.mark.parametrize("role", ROLES)
def test_every_route_allows_exactly_the_roles_of_the_matrix(app, client, database, settings,
                                                            role):
    world = make_world(database, settings)
    actor = log_in(app, role, world)
    token = actor.browser.cookies.get("asamblea_csrf") or ""
    if role != "anonymous":
        from governance.web.middleware import csrf_for_session

        token = csrf_for_session(actor.browser.cookies.get("asamblea_session"))
    routes = ordered(endpoints(app))
    problems, before = [], snapshot(database)
    for kind, name, method, route in routes:
        if method != "GET" and before is not None:
            # every GET is done: reading changed nothing, whoever read
            assert snapshot(database) == before, f"a GET changed the database (as {role})"
            before = None
        table = matrix.API if kind == "api" else matrix.PAGES
        assert name in table, f"{kind} {name} is missing from the matrix"
        response = call(actor, kind, name, method, url(kind, name, route, world), token)
        assert response.status_code < 500, (kind, name, role, response.text[:300])
        assert security_header_problems(response) == [], (kind, name, role)
        expected_allowed = role in table[name]
        if refused(response, kind) == expected_allowed:
            problems.append(f"{kind} {method} {name} as {role}: {response.status_code} "
                            f"({'refused' if expected_allowed else 'let through'})")
    assert problems == []


def test_the_matrix_names_every_route_and_nothing_else(app):
    pages = {name for kind, name, _m, _r in endpoints(app) if kind == "page"}
    operations = {name for kind, name, _m, _r in endpoints(app) if kind == "api"}
    assert pages == set(matrix.PAGES)
    assert operations == set(matrix.API)


def test_the_openapi_document_declares_the_roles_of_the_matrix(client):
    """Each operation's declared roles (its OpenAPI description) are the matrix's."""
    document = client.get("/api/v1/openapi.json").json()
    for operations in document["paths"].values():
        for operation in operations.values():
            allowed = matrix.API[operation["operationId"]]
            described = operation.get("description", "")
            if allowed == matrix.PUBLIC:
                assert "security" not in operation, operation["operationId"]
                continue
            declared = set(re.match(r"Roles: (.*)\.", described).group(1).split(", "))
            expanded = (matrix.LOGGED_IN if declared == {"any"} else
                        declared | ({"admin"} if declared - {"delegate"} else set()))
            assert expanded == allowed, operation["operationId"]


def test_docs_security_prints_the_same_matrix():
    text = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text()
    assert matrix.markdown() in text
