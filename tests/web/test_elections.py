"""A board election through the API: 7 seats, one reserved for each of the 4 regions and one
for the Workers Network, parity on; nominations by member organizations in good standing,
acceptance, the poll, the seats explained and signed, and the bad input refused."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

from ballots.bundle import read_bundle
from ballots.verify import verify_bundle
from tests.factories import browser_login, make_organization, staff
from tests.factories_elections import PEOPLE, RESERVATIONS
from tests.factories_polls import assembly_in_session, ensure_key


def _delegate(client, credential):
    token = client.post("/api/v1/login", json={"credential": credential}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def _setup(app, settings):
    ensure_key(settings)
    with app.state.database.transaction() as db:
        session = assembly_in_session(db, settings, [p[4] for p in PEOPLE])
        nominators = [make_organization(db, region=region, networks=networks).id
                      for _n, region, networks, _g, _w in PEOPLE]
        suspended = make_organization(db, standing="suspended", region="andean").id
    return session, nominators, suspended


def _nominate(client, url, nominators, suspended, session):
    """Step 2: member organizations nominate; a suspended one cannot; parity needs the
    gender; a delegate nominates for its own organization (a candidate who never accepts)."""
    committee = staff(client, "committee")
    ids = []
    for (name, _r, _n, gender, _w), organization in zip(PEOPLE, nominators, strict=True):
        made = client.post(f"{url}/candidates", headers=committee, json={
            "name": name, "gender": gender, "organization_id": organization})
        assert made.status_code == 201, made.text
        ids.append(made.json()["id"])
    refused = client.post(f"{url}/candidates", headers=committee, json={
        "name": "Zoila", "gender": "woman", "organization_id": suspended})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "not_in_good_standing"
    no_gender = client.post(f"{url}/candidates", headers=committee, json={
        "name": "Sin dato", "organization_id": nominators[0]})
    assert no_gender.status_code == 422 and "gender" in no_gender.json()["error"]["message"]
    own = client.post(f"{url}/candidates", json={"name": "Nunca Aceptó", "gender": "woman"},
                      headers=_delegate(client, session.delegations[0].credential))
    assert own.status_code == 201
    assert own.json()["organization_id"] == session.delegations[0].organization_id
    for candidacy in ids:  # step 3: they accept, except the delegate's candidate
        assert client.post(f"/api/v1/candidates/{candidacy}/accept",
                           headers=committee).status_code == 200
    return ids, own.json()["id"]


def _vote(client, board, url, session, ids, never_accepted, nominator):
    """Step 4: the poll over the accepted candidates, up to 7 marks, one vote each."""
    poll = client.post(f"{url}/poll", headers=board)
    assert poll.status_code == 201, poll.text
    poll_id = poll.json()["poll_id"]
    spec = client.get(f"/api/v1/polls/{poll_id}", headers=board).json()
    assert spec["method"] == "multiple" and spec["max_choices"] == 7
    assert len(spec["options"]) == 11 and f"c{never_accepted}" not in spec["options"]
    late = client.post(f"{url}/candidates", headers=staff(client, "committee"), json={
        "name": "Tarde", "gender": "man", "organization_id": nominator})
    assert late.status_code == 409 and late.json()["error"]["code"] == "nominations_closed"
    assert client.post(f"/api/v1/polls/{poll_id}/open", headers=board).status_code == 200
    voters = [_delegate(client, d.credential) for d in session.delegations]
    too_many = client.post(f"/api/v1/polls/{poll_id}/ballots", headers=voters[0],
                           json={"choices": spec["options"][:8]})
    assert too_many.status_code == 422
    assert too_many.json()["error"]["code"] == "too_many_choices"
    for headers, candidacy in zip(voters, ids, strict=True):
        cast = client.post(f"/api/v1/polls/{poll_id}/ballots", headers=headers,
                           json={"choices": [f"c{candidacy}"]})
        assert cast.status_code == 201, cast.text
    assert client.post(f"/api/v1/polls/{poll_id}/close", headers=board).status_code == 200
    return poll_id


def test_seven_seats_with_reservations_and_parity(app, client, settings):
    session, nominators, suspended = _setup(app, settings)
    board = staff(client, "board")
    # 1. the board sets up the election
    created = client.post(f"/api/v1/assemblies/{session.assembly_id}/elections", headers=board,
                          json={"title": "Elección del Consejo Directivo", "seats": 7,
                                "reservations": RESERVATIONS, "parity": True})
    assert created.status_code == 201, created.text
    url = f"/api/v1/elections/{created.json()['id']}"
    # 2.–4. nominations, acceptance, the vote
    ids, never = _nominate(client, url, nominators, suspended, session)
    poll_id = _vote(client, board, url, session, ids, never, nominators[1])
    # 5. the seats: reservations and parity change the plain ranking
    seats = client.get(url, headers=board).json()["seats_filled"]
    names = {f"c{i}": p[0] for i, p in zip(ids, PEOPLE, strict=True)}
    elected = [names[s["candidate"]] for s in seats]
    plain = [p[0] for p in sorted(PEOPLE, key=lambda p: -p[4])[:7]]
    assert set(elected) != set(plain)
    assert elected == ["Carlos Pérez", "Gloria Saint-Jean", "Ana Quispe", "Hugo Benítez",
                       "Inés Núñez", "Beto Mamani", "Juana Condori"]
    assert [s["reason"] for s in seats] == ["top"] * 6 + ["parity"]
    # 6. the signed result carries the seats, and the bundle verifies offline
    bundle = client.get(f"/api/v1/polls/{poll_id}/bundle.zip", headers=board)
    path = app.state.settings.data_dir / "election.zip"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bundle.content)
    report = verify_bundle(read_bundle(path))
    assert report.ok, report.failed
    assert report.check("seats").ok
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
        assert b'"election"' in archive.read("result.json")
    # 7. the poll page explains each seat, in Spanish
    browser_login(client, "auditor")
    page = client.get(f"/polls/{poll_id}?lang=es")
    assert page.status_code == 200
    assert any("reservado para la región Andina" in s for s in page.context["seats"])


def test_nomination_window_and_bad_rules(app, client, settings):
    session, nominators, _s = _setup(app, settings)
    board, committee = staff(client, "board"), staff(client, "committee")
    base = f"/api/v1/assemblies/{session.assembly_id}/elections"
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    closed = client.post(base, headers=board, json={
        "title": "Fiscalía", "seats": 1, "nominations_close_at": past}).json()
    late = client.post(f"/api/v1/elections/{closed['id']}/candidates", headers=committee,
                       json={"name": "X", "organization_id": nominators[0]})
    assert late.status_code == 409 and late.json()["error"]["code"] == "nominations_closed"
    too_many = client.post(base, headers=board, json={
        "title": "Consejo", "seats": 2, "reservations": RESERVATIONS})
    assert too_many.status_code == 422 and "reserved" in too_many.json()["error"]["message"]
    unknown = client.post(base, headers=board, json={
        "title": "Consejo", "seats": 3,
        "reservations": [{"kind": "network", "value": "Red Inexistente"}]})
    assert unknown.status_code == 422 and "Red Inexistente" in unknown.json()["error"]["message"]
    empty = client.post(base, headers=board, json={"title": "Consejo", "seats": 3}).json()
    nobody = client.post(f"/api/v1/elections/{empty['id']}/poll", headers=board)
    assert nobody.status_code == 409 and nobody.json()["error"]["code"] == \
        "no_accepted_candidates"
