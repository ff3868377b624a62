"""Registry pages and operations through the app, in Spanish and English."""

from __future__ import annotations

from tests.factories import browser_login, csrf, make_organization, staff


def seed(client):
    with client.app.state.database.transaction() as db:
        org = make_organization(db, name="Cooperativa Flor de Altura", country="PE",
                                platform="CNC Perú", networks=["Café"], members=1240)
        make_organization(db, name="Miel del Sur", country="CL", standing="arrears")
        return org.id


def test_list_and_detail_render_in_spanish_and_english(client):
    org_id = seed(client)
    browser_login(client, "board")
    spanish = client.get("/organizations", headers={"Accept-Language": "es-PE,es;q=0.9"})
    assert spanish.status_code == 200
    assert spanish.template == "organizations/list.html"
    assert spanish.context["page"].total == 2
    assert 'lang="es"' in spanish.text and "Registro de miembros" in spanish.text
    assert "Perú" in spanish.text and "1.240" in spanish.text

    english = client.get(f"/organizations/{org_id}?lang=en")
    assert english.status_code == 200 and english.template == "organizations/detail.html"
    assert english.context["organization"].name == "Cooperativa Flor de Altura"
    assert "Member registry" in english.text and "Peru" in english.text and "1,240" in english.text
    # the choice is remembered in a cookie
    assert "Member registry" in client.get("/organizations").text


def test_filters_reach_the_list(client):
    seed(client)
    browser_login(client, "committee")
    page = client.get("/organizations?country=CL&standing=arrears")
    assert [o.name for o in page.context["page"].organizations] == ["Miel del Sur"]
    bad = client.get("/organizations?standing=asleep")
    assert bad.status_code == 422


def test_pages_need_a_staff_login(client):
    response = client.get("/organizations", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/login?next=%2Forganizations")


def test_missing_organization_gets_a_helpful_404(client):
    browser_login(client, "auditor")
    response = client.get("/organizations/424242")
    assert response.status_code == 404 and response.template == "errors/404.html"
    assert client.get("/no/such/page").status_code == 404


def test_auditor_cannot_import(client):
    browser_login(client, "auditor")
    response = client.get("/organizations/import")
    assert response.status_code == 403 and response.template == "errors/403.html"


def test_csv_upload_form_reports_rejected_lines(client):
    browser_login(client, "committee")
    token = csrf(client, "/organizations/import")
    body = "name,country,members\nBuena,Perú,10\nMala,Perú,muchos\n".encode()
    response = client.post("/organizations/import", data={"csrf_token": token},
                           files={"file": ("registro.csv", body, "text/csv")})
    assert response.status_code == 200
    report = response.context["report"]
    assert (report["imported"], [r["line"] for r in report["rejected"]]) == (1, [3])


def test_forms_without_the_token_are_refused(client):
    browser_login(client, "committee")
    response = client.post("/organizations/import", data={"csrf_token": "forged"},
                           files={"file": ("r.csv", b"name,country,members\n", "text/csv")})
    assert response.status_code == 403


def test_api_create_update_list_and_import(client):
    headers = staff(client, "committee")
    created = client.post("/api/v1/organizations", headers=headers,
                          json={"name": "Nueva", "country": "Bolivia", "members": 40,
                                "networks": ["Quinua"]})
    assert created.status_code == 201
    org = created.json()
    assert (org["country"], org["region"], org["networks"]) == ("BO", "andean", ["Quinua"])
    updated = client.patch(f"/api/v1/organizations/{org['id']}", headers=headers,
                           json={"members": 41, "standing": "suspended"})
    assert updated.status_code == 200 and updated.json()["members"] == 41
    imported = client.post("/api/v1/organizations/import", headers={**headers,
                           "Content-Type": "text/csv"},
                           content=b"name,country,members\nOtra,PE,3\nNueva,BO,50\nX,??,1\n")
    assert imported.json() == {"imported": 1, "updated": 1, "rejected": [
        {"line": 4, "message": "Unknown country ??."}]}
    listed = client.get("/api/v1/organizations?country=BO", headers=headers).json()
    assert listed["total"] == 1 and listed["organizations"][0]["members"] == 50


def test_api_errors_are_json_with_fitting_statuses(client):
    headers = staff(client, "committee")
    cases = [
        client.post("/api/v1/organizations", headers=headers, content=b"{not json"),
        client.post("/api/v1/organizations", headers=headers, json={"name": "x"}),
        client.post("/api/v1/organizations", headers=headers,
                    json={"name": "x", "country": "PE", "members": "many"}),
        client.patch("/api/v1/organizations/999", headers=headers, json={"members": 1}),
        client.get("/api/v1/organizations"),
        client.post("/api/v1/organizations", headers=staff(client, "auditor"),
                    json={"name": "x", "country": "PE", "members": 1}),
        client.get("/api/v1/organizations?page=abc", headers=headers),
    ]
    assert [r.status_code for r in cases] == [422, 422, 422, 404, 401, 403, 422]
    for response in cases:
        error = response.json()["error"]
        assert error["code"] and error["message"]


def test_bearer_token_stops_working_after_logout(client):
    headers = staff(client, "board")
    assert client.get("/api/v1/organizations", headers=headers).status_code == 200
    assert client.post("/api/v1/logout", headers=headers).status_code == 200
    assert client.get("/api/v1/organizations", headers=headers).status_code == 401


def test_browser_logout_ends_the_session(client):
    browser_login(client, "board")
    assert client.get("/organizations").status_code == 200
    client.post("/logout", data={"csrf_token": csrf(client, "/")})
    assert client.get("/organizations", follow_redirects=False).status_code == 303


def test_login_page_rejects_wrong_password_in_spanish(client):
    response = client.post("/login", data={"username": "nadie", "password": "x" * 12,
                                           "csrf_token": csrf(client)})
    assert response.status_code == 401
    assert response.context["error"] == "El usuario o la contraseña no son correctos."
