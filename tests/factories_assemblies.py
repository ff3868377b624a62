"""Factories for assemblies, delegates and proxies: plain functions, in the database or through
the API."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from governance.assemblies import services
from governance.assemblies.models import Assembly
from governance.db import utcnow
from governance.settings import Settings
from tests.factories import csrf

ACTOR = "staff:tester"


def assembly_fields(**fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": "Asamblea General 2026",
        "starts_at": datetime(2026, 3, 14, 14, 0, tzinfo=UTC).isoformat(),
        "weighting": {"scheme": "equal"},
        "proxy_limit": 2,
    }
    values.update(fields)
    return values


def make_assembly(db: Session, state: str = "planned", **fields: Any) -> Assembly:
    assembly = services.create_assembly(db, assembly_fields(**fields), ACTOR, utcnow())
    order = ["planned", "accreditation", "in_session", "closed"]
    for step in order[1:order.index(state) + 1]:
        services.change_state(db, assembly.id, step, ACTOR, utcnow())
    return assembly


def accredit(db: Session, settings: Settings, assembly_id: int, organization_id: int,
             name: str = "Rosa Quispe") -> services.IssuedCredential:
    return services.issue_credential(db, settings, assembly_id, organization_id, name, ACTOR,
                                     utcnow())


def api_assembly(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    response = client.post("/api/v1/assemblies", headers=headers, json=assembly_fields(**fields))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def api_state(client: TestClient, headers: dict[str, str], assembly_id: int, *states: str) -> None:
    for state in states:
        response = client.post(f"/api/v1/assemblies/{assembly_id}/state", headers=headers,
                               json={"state": state})
        assert response.status_code == 200, response.text


def delegate_browser_login(client: TestClient, credential: str) -> None:
    response = client.post("/login/credential", data={"credential": credential,
                                                      "csrf_token": csrf(client), "next": "/"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"].endswith("/me")


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)
