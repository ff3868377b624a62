"""The assemblies API end to end, as an integrator or the committee's scripts would use it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.factories import csrf, staff
from tests.factories_assemblies import api_assembly, api_state, delegate_browser_login

ORGANIZATIONS = 262
DELEGATES = 250
CHECKED_IN = 240
MAX_WEIGHT = 500
COUNTRIES = ["Perú", "Colombia", "México", "Guatemala", "Haití", "Brasil", "Ecuador", "Bolivia"]


def registry_rows() -> list[tuple[str, int, str]]:
    """(name, members, standing): sizes from 0 to beyond the cap; some not in good standing."""
    rows = []
    for i in range(ORGANIZATIONS):
        standing = "suspended" if i % 23 == 5 else "arrears" if i % 29 == 7 else "active"
        rows.append((f"Cooperativa {i:03d}", (i * 7919) % 1400, standing))
    return rows


def registry_csv() -> bytes:
    lines = ["name,country,members,standing,networks"]
    for i, (name, members, standing) in enumerate(registry_rows()):
        lines.append(f"{name},{COUNTRIES[i % len(COUNTRIES)]},{members},{standing},"
                     f"{'Café' if i % 2 else 'Cacao;Miel'}")
    return ("\n".join(lines) + "\n").encode()


def test_250_delegates_accredited_logged_in_checked_in_with_proxies_and_a_frozen_roll(client):
    committee, board = staff(client, "committee"), staff(client, "board")
    # 1. the registry, imported through the API
    imported = client.post("/api/v1/organizations/import", content=registry_csv(),
                           headers={**committee, "Content-Type": "text/csv"})
    assert imported.json()["imported"] == ORGANIZATIONS
    listed = client.get("/api/v1/organizations?page_size=500", headers=committee).json()
    by_name = {o["name"]: o for o in listed["organizations"]}
    organizations = [by_name[name] for name, _m, _s in registry_rows()]

    # 2. an assembly weighted by members, capped
    assembly = api_assembly(client, board, weighting={"scheme": "members",
                                                      "max_weight": MAX_WEIGHT}, proxy_limit=2)
    base = f"/api/v1/assemblies/{assembly['id']}"
    assert client.get(base, headers=committee).json()["weighting"] == {
        "scheme": "members", "bands": [], "max_weight": MAX_WEIGHT}

    # 3. accredit 250 delegates
    issued = []
    for n, organization in enumerate(organizations[:DELEGATES]):
        response = client.post(f"{base}/delegates", headers=committee,
                               json={"organization_id": organization["id"],
                                     "name": f"Delegada {n}"})
        assert response.status_code == 201, response.text
        assert response.headers["cache-control"] == "no-store"
        issued.append(response.json())
    assert issued[0]["login_url"].endswith(f"/login?cred={issued[0]['credential_id']}")
    assert len({d["credential"] for d in issued}) == DELEGATES

    # 4. all of them log in at once, typing the credential in various ways
    def log_in(n: int) -> tuple[int, dict[str, str]]:
        credential = issued[n]["credential"]
        typed = credential.lower().replace("-", " ") if n % 2 else credential
        response = client.post("/api/v1/login", json={"credential": typed})
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(log_in, range(DELEGATES)))
    assert [status for status, _ in results] == [200] * DELEGATES
    assert {body["role"] for _, body in results} == {"delegate"}
    tokens = [body["token"] for _, body in results]
    assert len(set(tokens)) == DELEGATES
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens[7]}"}).json()
    assert me["delegate_id"] == issued[7]["delegate_id"] and me["checked_in"] is False

    # 5. accreditation opens; 240 are checked in
    api_state(client, board, assembly["id"], "accreditation")
    for delegate in issued[:CHECKED_IN]:
        response = client.post(f"{base}/check-in", headers=committee,
                               json={"delegate_id": delegate["delegate_id"]})
        assert response.status_code == 200 and response.json()["checked_in_at"]

    # 6. proxies up to the limit, and the next one refused
    free = organizations[DELEGATES:]
    active_free = [o for o in free if o["standing"] == "active"]
    holder, absent_holder = issued[0], issued[CHECKED_IN + 1]
    grants = [(active_free[0], holder), (active_free[1], holder),
              (active_free[2], absent_holder)]
    for organization, delegate in grants:
        response = client.post(f"{base}/proxies", headers=committee, json={
            "organization_id": organization["id"], "delegate_id": delegate["delegate_id"]})
        assert response.status_code == 201, response.text
    refused = client.post(f"{base}/proxies", headers=committee, json={
        "organization_id": active_free[3]["id"], "delegate_id": holder["delegate_id"]})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "proxy_limit"
    assert "Delegada 0 already holds 2 proxies" in refused.json()["error"]["message"]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens[0]}"}).json()[
        "represents"][1:] == [
        {"organization_id": o["id"], "organization_name": o["name"], "via_proxy": True}
        for o in sorted(active_free[:2], key=lambda o: o["name"])]

    # 7. freeze the roll; compare with the registry, by hand
    frozen = client.post(f"{base}/roll/freeze", headers=committee)
    assert frozen.status_code == 200, frozen.text
    roll = client.get(f"{base}/roll", headers=staff(client, "auditor")).json()
    present_ids = {d["organization_id"] for d in issued[:CHECKED_IN]} | {
        o["id"] for o, d in grants if d is holder}
    expected = {
        o["id"]: (min(max(1, members), MAX_WEIGHT), o["id"] in present_ids)
        for o, (_name, members, standing) in zip(organizations, registry_rows(), strict=True)
        if standing == "active"
    }
    got = {r["organization_id"]: (r["weight"], r["present"]) for r in roll["voting_rights"]}
    assert got == expected
    assert roll["total_weight"] == sum(w for w, _p in expected.values())
    assert roll["present_weight"] == sum(w for w, p in expected.values() if p)
    assert len(expected) < ORGANIZATIONS  # suspended and in-arrears organizations have no right
    again = client.post(f"{base}/roll/freeze", headers=committee)
    assert again.status_code == 409 and "already frozen" in again.json()["error"]["message"]


def test_a_revoked_credential_ends_its_bearer_token_and_browser_session(client):
    committee, board = staff(client, "committee"), staff(client, "board")
    organization = client.post("/api/v1/organizations", headers=committee,
                               json={"name": "Miel del Sur", "country": "CL", "members": 40})
    assembly = api_assembly(client, board)
    base = f"/api/v1/assemblies/{assembly['id']}"
    issued = client.post(f"{base}/delegates", headers=committee, json={
        "organization_id": organization.json()["id"], "name": "Ana Soto"}).json()
    token = client.post("/api/v1/login", json={"credential": issued["credential"]}).json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    delegate_browser_login(client, issued["credential"])
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    assert client.get("/me").status_code == 200

    revoked = client.post(f"{base}/delegates/{issued['delegate_id']}/revoke", headers=committee)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert client.get("/api/v1/me", headers=bearer).status_code == 401
    page = client.get("/me", follow_redirects=False)
    assert page.status_code == 303 and "/login" in page.headers["location"]
    again = client.post("/api/v1/login", json={"credential": issued["credential"]})
    assert again.status_code == 401 and again.json()["error"]["code"] == "bad_credential"


def test_reissue_through_the_api(client):
    committee = staff(client, "committee")
    org = client.post("/api/v1/organizations", headers=committee,
                      json={"name": "Café Alto", "country": "PE", "members": 40}).json()
    assembly = api_assembly(client, staff(client, "board"))
    base = f"/api/v1/assemblies/{assembly['id']}"
    first = client.post(f"{base}/delegates", headers=committee,
                        json={"organization_id": org["id"], "name": "Luz"}).json()
    second = client.post(f"{base}/delegates/{first['delegate_id']}/reissue", headers=committee)
    assert second.status_code == 201 and second.json()["delegate_id"] == first["delegate_id"]
    assert client.post("/api/v1/login", json={"credential": first["credential"]}).status_code == 401
    assert client.post("/api/v1/login",
                       json={"credential": second.json()["credential"]}).status_code == 200
    listed = client.get(f"{base}/delegates?q=luz", headers=committee).json()
    assert listed["total"] == 1
    assert listed["delegates"][0]["credential_id"] == second.json()["credential_id"]
    assert "credential" not in listed["delegates"][0]


def test_credential_login_is_rate_limited_with_a_clear_message(client):
    committee = staff(client, "committee")
    org = client.post("/api/v1/organizations", headers=committee,
                      json={"name": "Cacao Libre", "country": "EC", "members": 40}).json()
    assembly = api_assembly(client, staff(client, "board"))
    issued = client.post(f"/api/v1/assemblies/{assembly['id']}/delegates", headers=committee,
                         json={"organization_id": org["id"], "name": "Eva"}).json()
    wrong = issued["credential_id"] + "-2222-3333-4444-5555-6666-7777"
    statuses = [client.post("/api/v1/login", json={"credential": wrong}).status_code
                for _ in range(10)]
    assert statuses == [401] * 10
    limited = client.post("/api/v1/login", json={"credential": issued["credential"]})
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "600"
    assert "Wait 10 minutes" in limited.json()["error"]["message"]
    # the page says so too, in Spanish, next to the delegate form
    page = client.post("/login/credential", data={
        "credential": issued["credential"], "csrf_token": csrf(client)})
    assert page.status_code == 429 and page.context["form"] == "delegate"
    assert page.context["error"].startswith("Demasiados intentos fallidos")


def test_letters_are_checked_through_the_api(client):
    committee = staff(client, "committee")
    orgs = [client.post("/api/v1/organizations", headers=committee, json={
        "name": f"Org {n}", "country": "PE", "members": 10}).json() for n in range(2)]
    assembly = api_assembly(client, staff(client, "board"))
    base = f"/api/v1/assemblies/{assembly['id']}"
    holder = client.post(f"{base}/delegates", headers=committee,
                         json={"organization_id": orgs[0]["id"], "name": "Tito"}).json()
    proxy = client.post(f"{base}/proxies", headers=committee, json={
        "organization_id": orgs[1]["id"], "delegate_id": holder["delegate_id"]}).json()
    url = f"{base}/proxies/{proxy['id']}/letter?filename=carta.pdf"
    octets = {**committee, "Content-Type": "application/octet-stream"}
    fake = client.put(url, headers=octets, content=b"<html>not a pdf</html>")
    assert fake.status_code == 422 and fake.json()["error"]["code"] == "bad_file_type"
    huge = client.put(url, headers=octets, content=b"%PDF-" + b"0" * (5 * 1024 * 1024))
    assert huge.status_code == 413
    good = client.put(url, headers=octets, content=b"%PDF-1.4\n%%EOF\n")
    assert good.status_code == 200
    assert good.json()["letter"]["content_type"] == "application/pdf"
    history = client.get(f"{base}/proxies", headers=staff(client, "auditor")).json()["proxies"]
    assert history[0]["letter"]["filename"] == "carta.pdf"


def test_api_errors_are_clear(client):
    committee, board = staff(client, "committee"), staff(client, "board")
    cases = [
        client.post("/api/v1/assemblies", headers=board, json={"title": "x"}),
        client.post("/api/v1/assemblies", headers=committee, json={
            "title": "x", "starts_at": "2026-01-01T00:00:00Z", "weighting": {"scheme": "equal"}}),
        client.post("/api/v1/assemblies", headers=board, json={
            "title": "x", "starts_at": "2026-01-01T00:00:00Z", "weighting": {"scheme": "bands"}}),
        client.get("/api/v1/assemblies/999", headers=committee),
        client.get("/api/v1/assemblies/999/roll", headers=committee),
        client.post("/api/v1/login", json={"credential": "x", "password": "y"}),
        client.post("/api/v1/login", json={"credential": "K7QF"}),
    ]
    assert [r.status_code for r in cases] == [422, 403, 422, 404, 404, 422, 401]
    for response in cases:
        assert response.json()["error"]["message"]
    assembly = api_assembly(client, board)
    not_frozen = client.get(f"/api/v1/assemblies/{assembly['id']}/roll", headers=committee)
    assert not_frozen.status_code == 409
    bad_step = client.post(f"/api/v1/assemblies/{assembly['id']}/state", headers=board,
                           json={"state": "closed"})
    assert bad_step.status_code == 409


def test_assemblies_are_listed_with_their_fixed_fields(client):
    board = staff(client, "board")
    made = api_assembly(client, board, title="Asamblea Extraordinaria", kind="extraordinary",
                        weighting={"scheme": "bands", "bands": [
                            {"min_members": 0, "weight": 1}, {"min_members": 51, "weight": 2}]})
    listed = client.get("/api/v1/assemblies", headers=staff(client, "auditor")).json()
    assert [a["id"] for a in listed["assemblies"]] == [made["id"]]
    first = listed["assemblies"][0]
    assert (first["title"], first["proxy_limit"], first["weighting"]["scheme"]) == (
        "Asamblea Extraordinaria", 2, "bands")
    assert first["weighting"]["bands"][1] == {"min_members": 51, "weight": 2}
    assert first["weighting"]["max_weight"] is None


def test_openapi_has_the_fixed_operation_ids(client):
    document = client.get("/api/v1/openapi.json").json()
    ids = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert {"createAssembly", "getAssembly", "listAssemblies", "issueCredential",
            "revokeCredential", "checkIn", "grantProxy", "freezeRoll", "getRoll"} <= ids
    login = document["paths"]["/api/v1/login"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]
    assert [set(s["required"]) for s in login["oneOf"]] == [{"username", "password"},
                                                            {"credential"}]
