"""The floor through the API and the pages: the agenda adopted by a poll, the chair moving
through it, the list of speakers with points of order first, alternation, time limits, the
record of who spoke — and every bad request refused with a clear message."""

from __future__ import annotations

from governance.organizations.models import Organization
from tests.factories import browser_login, staff
from tests.factories_assemblies import delegate_browser_login, form_token
from tests.factories_polls import assembly_in_session, ensure_key


def _session(app, settings, members=(10, 20, 30, 40), absent=()):
    ensure_key(settings)
    with app.state.database.transaction() as db:
        session = assembly_in_session(db, settings, list(members), absent=absent)
        regions = ["andean", "andean", "caribbean", "southern_cone"]
        for delegation, region in zip(session.delegations, regions, strict=False):
            db.get(Organization, delegation.organization_id).region = region
    return session


def _delegate(client, credential):
    token = client.post("/api/v1/login", json={"credential": credential}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_agenda_adopted_by_vote_then_run_by_the_chair(app, client, settings):
    session = _session(app, settings)
    board = staff(client, "board")
    base = f"/api/v1/assemblies/{session.assembly_id}/agenda"
    # 1. the board writes the agenda and reorders it
    titles = ["Informe del Consejo", "Plan estratégico 2026-2030", "Varios"]
    items = [client.post(f"{base}/items", headers=board,
                         json={"title": t, "duration_minutes": 20}).json() for t in titles]
    moved = client.patch(f"/api/v1/agenda-items/{items[2]['id']}", headers=board,
                         json={"position": 1})
    assert moved.status_code == 200 and moved.json()["position"] == 1
    agenda = client.get(base, headers=board).json()
    assert [i["title"] for i in agenda["items"]] == ["Varios", *titles[:2]]
    assert agenda["status"] == "draft" and agenda["total_minutes"] == 60
    client.patch(f"/api/v1/agenda-items/{items[2]['id']}", headers=board, json={"position": 3})
    # 2. it is put to the vote, the delegates adopt it
    voted = client.post(f"{base}/poll", headers=board)
    assert voted.status_code == 201 and voted.json()["status"] == "voting"
    poll_id = voted.json()["poll_id"]
    poll = client.get(f"/api/v1/polls/{poll_id}", headers=board).json()
    assert "1. Informe del Consejo (20 min)" in poll["description"]
    assert client.post(f"/api/v1/polls/{poll_id}/open", headers=board).status_code == 200
    for delegation in session.delegations:
        cast = client.post(f"/api/v1/polls/{poll_id}/ballots", json={"choice": "yes"},
                           headers=_delegate(client, delegation.credential))
        assert cast.status_code == 201, cast.text
    assert client.post(f"/api/v1/polls/{poll_id}/close", headers=board).status_code == 200
    assert client.get(base, headers=board).json()["status"] == "adopted"
    # 3. an adopted agenda no longer changes
    late = client.post(f"{base}/items", headers=board, json={"title": "Otro punto"})
    assert late.status_code == 409 and late.json()["error"]["code"] == "agenda_adopted"
    # 4. one click moves on; the delegates see the current item
    first = client.post(f"{base}/next", headers=board).json()
    assert first["current_item_id"] == items[0]["id"]
    second = client.post(f"{base}/next", headers=board).json()
    assert second["current_item_id"] == items[1]["id"]
    states = {i["id"]: i["state"] for i in second["items"]}
    assert states[items[0]["id"]] == "done"
    mine = client.get(base, headers=_delegate(client, session.delegations[0].credential))
    assert mine.json()["current_item_id"] == items[1]["id"]
    postponed = client.post(f"/api/v1/agenda-items/{items[2]['id']}/postpone", headers=board)
    assert postponed.json()["state"] == "postponed"
    end = client.post(f"{base}/next", headers=board).json()
    assert end["current_item_id"] is None
    assert client.post(f"{base}/next", headers=board).status_code == 409


def test_speakers_points_of_order_first_time_limit_and_record(app, client, settings):
    session = _session(app, settings)
    board = staff(client, "board")
    base = f"/api/v1/assemblies/{session.assembly_id}/agenda"
    item = client.post(f"{base}/items", headers=board, json={"title": "Informe"}).json()
    rules = client.patch(f"/api/v1/assemblies/{session.assembly_id}/floor-rules",
                         headers=board, json={"speech_seconds": 120,
                                              "point_of_order_seconds": 30})
    assert rules.json()["rules"]["speech_seconds"] == 120
    client.post(f"{base}/next", headers=board)
    speakers = f"/api/v1/agenda-items/{item['id']}/speakers"
    ana, beto, carla = (_delegate(client, d.credential) for d in session.delegations[:3])
    assert client.post(speakers, headers=ana, json={}).status_code == 201
    assert client.post(speakers, headers=beto, json={"kind": "speech"}).status_code == 201
    point = client.post(speakers, headers=carla, json={"kind": "point_of_order"})
    assert point.status_code == 201
    again = client.post(speakers, headers=ana, json={})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_on_list"
    waiting = client.get(speakers, headers=ana).json()["waiting"]
    assert [w["kind"] for w in waiting] == ["point_of_order", "speech", "speech"]
    # the point of order goes first, with its own time limit
    called = client.post(f"{speakers}/next", headers=board).json()
    assert called["speaking"]["delegate_id"] == session.delegations[2].delegate_id
    assert called["speaking"]["limit_seconds"] == 30
    assert 0 < called["remaining_seconds"] <= 30
    called = client.post(f"{speakers}/next", headers=board).json()
    assert called["speaking"]["delegate_id"] == session.delegations[0].delegate_id
    assert called["speaking"]["limit_seconds"] == 120
    ended = client.post(f"{speakers}/end", headers=board)
    assert ended.status_code == 200 and ended.json()["spoken_seconds"] >= 0
    listed = client.get(speakers, headers=board).json()
    assert [h["name"] for h in listed["heard"]] == ["Delegada 2", "Delegada 0"]
    assert all(h["spoken_seconds"] is not None for h in listed["heard"])
    assert listed["speaking"] is None and len(listed["waiting"]) == 1
    # beto withdraws; nobody is left
    beto_id = listed["waiting"][0]["id"]
    assert client.post(f"/api/v1/speakers/{beto_id}/withdraw", headers=ana).status_code == 404
    assert client.post(f"/api/v1/speakers/{beto_id}/withdraw", headers=beto).status_code == 200
    assert client.post(f"{speakers}/end", headers=board).status_code == 409


def test_alternating_regions(app, client, settings):
    session = _session(app, settings)
    board = staff(client, "board")
    base = f"/api/v1/assemblies/{session.assembly_id}/agenda"
    item = client.post(f"{base}/items", headers=board, json={"title": "Debate"}).json()
    client.patch(f"/api/v1/assemblies/{session.assembly_id}/floor-rules", headers=board,
                 json={"alternation": "region"})
    client.post(f"{base}/next", headers=board)
    speakers = f"/api/v1/agenda-items/{item['id']}/speakers"
    # asked in the order andean, andean, caribbean: heard andean, caribbean, andean
    for delegation in session.delegations[:3]:
        added = client.post(speakers, headers=board, json={"delegate_id": delegation.delegate_id})
        assert added.status_code == 201
    waiting = client.get(speakers, headers=board).json()["waiting"]
    assert [w["region"] for w in waiting] == ["andean", "caribbean", "andean"]


def test_bad_speaker_requests_are_refused_clearly(app, client, settings):
    session = _session(app, settings, absent=(3,))
    other = _session(app, settings, members=(5,))
    board = staff(client, "board")
    base = f"/api/v1/assemblies/{session.assembly_id}/agenda"
    done = client.post(f"{base}/items", headers=board, json={"title": "Hecho"}).json()
    later = client.post(f"{base}/items", headers=board, json={"title": "Después"}).json()
    foreign = client.post(f"/api/v1/assemblies/{other.assembly_id}/agenda/items",
                          headers=board, json={"title": "Ajeno"}).json()
    client.post(f"{base}/next", headers=board)
    client.post(f"{base}/next", headers=board)
    ana = _delegate(client, session.delegations[0].credential)
    closed = client.post(f"/api/v1/agenda-items/{done['id']}/speakers", headers=ana, json={})
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "item_closed"
    outside = client.post(f"/api/v1/agenda-items/{foreign['id']}/speakers", headers=ana,
                          json={})
    assert outside.status_code == 404
    absent = _delegate(client, session.delegations[3].credential)
    away = client.post(f"/api/v1/agenda-items/{later['id']}/speakers", headers=absent, json={})
    assert away.status_code == 403 and away.json()["error"]["code"] == "not_present"
    not_mine = client.post(f"/api/v1/agenda-items/{foreign['id']}/speakers", headers=board,
                           json={"delegate_id": session.delegations[0].delegate_id})
    assert not_mine.status_code == 409
    assert client.post(f"/api/v1/agenda-items/{later['id']}/speakers", headers=ana,
                       json={"kind": "shout"}).status_code == 422
    assert client.get(f"/api/v1/assemblies/{other.assembly_id}/agenda",
                      headers=ana).status_code == 404
    bad = client.post(f"{base}/items", headers=board, json={"title": "x", "duration_minutes": 0})
    assert bad.status_code == 422


def test_pages_without_javascript(app, client, settings):
    session = _session(app, settings)
    browser_login(client, "board")
    agenda_url = f"/assemblies/{session.assembly_id}/agenda"
    page = client.get(agenda_url + "?lang=es")
    assert page.status_code == 200 and page.template == "floor/agenda.html"
    token = form_token(page.text)
    added = client.post(agenda_url, data={"csrf_token": token, "title": "Informe anual",
                                          "kind": "report", "duration_minutes": "30"},
                        follow_redirects=False)
    assert added.status_code == 303
    client.post(f"{agenda_url}/next", data={"csrf_token": token})
    item = client.get(agenda_url).context["agenda"].current
    assert item.title == "Informe anual"
    console = client.get(f"/agenda-items/{item.id}/speakers?lang=es")
    assert "Dar la palabra" in console.text
    client.post(f"/agenda-items/{item.id}/speakers", data={
        "csrf_token": token, "action": "speech",
        "delegate_id": str(session.delegations[1].delegate_id)})
    client.post(f"/agenda-items/{item.id}/speakers", data={"csrf_token": token,
                                                            "action": "next"})
    projector = client.get(f"/assemblies/{session.assembly_id}/floor/projector?lang=es")
    assert "Delegada 1" in projector.text and "data-ends-at" in projector.text
    assert projector.context["remaining"] is not None
    # the delegate asks for the floor from the phone, without JavaScript
    client.cookies.clear()
    delegate_browser_login(client, session.delegations[0].credential)
    mine = client.get("/me/floor?lang=es")
    assert "Informe anual" in mine.text
    asked = client.post("/me/floor", data={"csrf_token": form_token(mine.text),
                                           "action": "speech", "item_id": str(item.id)},
                        follow_redirects=False)
    assert asked.status_code == 303
    assert "número 1" in client.get("/me/floor?lang=es").text
