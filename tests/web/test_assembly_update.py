"""updateAssembly and the edit form: what can change, and the clear refusals once the roll
is frozen or the assembly closed."""

from __future__ import annotations

from tests.factories import browser_login, staff
from tests.factories_assemblies import api_assembly, api_state, form_token


def test_the_board_changes_the_details_of_a_planned_assembly(client):
    board = staff(client, "board")
    assembly = api_assembly(client, board)
    url = f"/api/v1/assemblies/{assembly['id']}"
    changed = client.patch(url, headers=board, json={
        "title": "Asamblea General Ordinaria 2026", "place": "Lima, Perú",
        "timezone": "America/Bogota", "ends_at": "2026-03-15T18:00:00-05:00",
        "weighting": {"scheme": "sqrt"}, "quorum_weight_pct": 60})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["title"], body["place"], body["timezone"]) == (
        "Asamblea General Ordinaria 2026", "Lima, Perú", "America/Bogota")
    assert body["weighting"]["scheme"] == "sqrt" and body["quorum_weight_pct"] == 60
    assert body["proxy_limit"] == assembly["proxy_limit"]  # untouched fields stay
    events = client.get(f"{url}/events", headers=board).json()["events"]
    assert events[-1]["action"] == "assembly.update"
    assert events[-1]["details"]["title"] == "Asamblea General Ordinaria 2026"


def test_the_weighting_is_refused_once_the_roll_is_frozen(client):
    board, committee = staff(client, "board"), staff(client, "committee")
    assembly = api_assembly(client, board)
    url = f"/api/v1/assemblies/{assembly['id']}"
    api_state(client, committee, assembly["id"], "accreditation")
    assert client.post(f"{url}/roll/freeze", headers=committee).status_code == 200
    refused = client.patch(url, headers=board, json={"weighting": {"scheme": "members"}})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "roll_frozen"
    assert "weighting" in refused.json()["error"]["message"]
    assert client.get(url, headers=board).json()["weighting"]["scheme"] == "equal"
    # the same weighting, and the fields the roll does not depend on, still change
    same = client.patch(url, headers=board, json={"weighting": {"scheme": "equal"},
                                                  "place": "Quito"})
    assert same.status_code == 200 and same.json()["place"] == "Quito"


def test_bad_input_and_a_closed_assembly_are_refused(client):
    board, committee = staff(client, "board"), staff(client, "committee")
    assembly = api_assembly(client, board)
    url = f"/api/v1/assemblies/{assembly['id']}"
    assert client.patch(url, headers=board, json={}).status_code == 422
    early = client.patch(url, headers=board, json={"ends_at": "2020-01-01T00:00:00Z"})
    assert early.status_code == 422 and "end before" in early.json()["error"]["message"]
    assert client.patch(url, headers=board, json={"timezone": "Mars/Olympus"}).status_code == 422
    assert client.patch(url, headers=committee, json={"place": "x"}).status_code == 403
    assert client.patch("/api/v1/assemblies/999999", headers=board,
                        json={"place": "x"}).status_code == 404
    api_state(client, committee, assembly["id"], "accreditation", "in_session", "closed")
    closed = client.patch(url, headers=board, json={"place": "Quito"})
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "assembly_closed"


def test_the_edit_form_shows_the_weighting_fixed_after_the_freeze(client):
    browser_login(client, "board")
    board, committee = staff(client, "board"), staff(client, "committee")
    assembly = api_assembly(client, board)
    page = client.get(f"/assemblies/{assembly['id']}/edit?lang=es")
    assert page.status_code == 200 and page.template == "assemblies/new.html"
    saved = client.post(f"/assemblies/{assembly['id']}/edit", data={
        "csrf_token": form_token(page.text), "title": "Asamblea 2026 (Lima)", "kind": "ordinary",
        "starts_at": "2026-03-14T09:00", "ends_at": "", "timezone": "America/Lima",
        "place": "Lima", "scheme": "equal", "bands": "", "max_weight": "", "proxy_limit": "2",
        "quorum_weight_pct": "50", "quorum_orgs_pct": "0", "quorum_mode": "and"},
        follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert client.get(f"/api/v1/assemblies/{assembly['id']}",
                      headers=board).json()["title"] == "Asamblea 2026 (Lima)"
    api_state(client, committee, assembly["id"], "accreditation")
    client.post(f"/api/v1/assemblies/{assembly['id']}/roll/freeze", headers=committee)
    frozen = client.get(f"/assemblies/{assembly['id']}/edit?lang=es")
    assert "El padrón está congelado" in frozen.text
    assert frozen.context["assembly"].roll_frozen_at is not None
