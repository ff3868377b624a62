"""Plain functions that make what tests need, in the database or through the app."""

from __future__ import annotations

import itertools
import re
from typing import Any

from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from governance.auth import services as auth
from governance.auth.models import StaffUser
from governance.organizations import services as registry
from governance.organizations.models import Organization
from governance.settings import Settings

_numbers = itertools.count(1)
PASSWORD = "correct horse battery"


def make_organization(db: Session, **fields: Any) -> Organization:
    n = next(_numbers)
    values: dict[str, Any] = {"name": f"Cooperativa {n}", "country": "PE", "members": 100}
    values.update(fields)
    return registry.create_organization(db, values)


def make_staff(db: Session, settings: Settings, role: str, username: str | None = None) -> StaffUser:
    return auth.create_staff_user(db, settings, username or f"{role}{next(_numbers)}", role,
                                  PASSWORD)


def staff(client: TestClient, role: str) -> dict[str, str]:
    """A staff account of `role` and the API headers of its bearer token."""
    app = client.app
    with app.state.database.transaction() as db:  # type: ignore[attr-defined]
        user = make_staff(db, app.state.settings, role)  # type: ignore[attr-defined]
        username = user.username
    response = client.post("/api/v1/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def csrf(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, f"no form token on {path}"
    return found.group(1)


def browser_login(client: TestClient, role: str) -> str:
    """Log a staff account of `role` in through the login page; returns its username."""
    app = client.app
    with app.state.database.transaction() as db:  # type: ignore[attr-defined]
        username = make_staff(db, app.state.settings, role).username  # type: ignore[attr-defined]
    response = client.post("/login", data={"username": username, "password": PASSWORD,
                                           "csrf_token": csrf(client), "next": "/"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return username
