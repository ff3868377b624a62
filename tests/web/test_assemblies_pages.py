"""Assembly and accreditation pages, as the board, the committee and a delegate use them."""

from __future__ import annotations

import io

from pypdf import PdfReader

from governance.assemblies import services
from governance.db import utcnow
from tests.factories import browser_login, csrf, make_organization
from tests.factories_assemblies import (
    ACTOR,
    accredit,
    delegate_browser_login,
    form_token,
    make_assembly,
)


def seed(client, state="accreditation", **fields):
    app = client.app
    with app.state.database.transaction() as db:
        orgs = [make_organization(db, name="Cooperativa Flor de Altura", members=1240,
                                  networks=["Café"]),
                make_organization(db, name="Coopérative des Planteurs de Baptiste", country="HT",
                                  members=300, networks=["Café", "Cacao"]),
                make_organization(db, name="Miel del Sur", country="CL", members=40),
                make_organization(db, name="Banano Libre", country="EC", members=8)]
        assembly = make_assembly(db, state=state, weighting={"scheme": "sqrt"}, **fields)
        issued = [accredit(db, app.state.settings, assembly.id, orgs[0].id, "Rosa Quispe"),
                  accredit(db, app.state.settings, assembly.id, orgs[1].id,
                           "Jean-Baptiste Pierre")]
        return assembly.id, [o.id for o in orgs], issued


def test_the_board_creates_an_assembly_from_the_form(client):
    browser_login(client, "board")
    page = client.get("/assemblies/new")
    assert page.status_code == 200 and page.template == "assemblies/new.html"
    form = {"csrf_token": form_token(page.text), "title": "Asamblea General 2027",
            "kind": "ordinary", "starts_at": "2027-03-14T09:00", "ends_at": "",
            "timezone": "America/Lima", "place": "Lima", "scheme": "bands",
            "bands": "0 1\n51 2\n501: 3\n", "max_weight": "", "proxy_limit": "2",
            "quorum_weight_pct": "50", "quorum_orgs_pct": "30", "quorum_mode": "and",
            "self_check_in": "on"}
    created = client.post("/assemblies/new", data=form, follow_redirects=False)
    assert created.status_code == 303
    detail = client.get(created.headers["location"])
    assembly = detail.context["assembly"]
    assert (assembly.title, assembly.self_check_in, assembly.quorum_orgs_pct) == (
        "Asamblea General 2027", True, 30)
    assert assembly.starts_at.isoformat() == "2027-03-14T14:00:00+00:00"  # 09:00 in Lima
    assert [b["weight"] for b in assembly.weighting["bands"]] == [1, 2, 3]
    # a mistake re-renders the form with the message and what was typed
    bad = client.post("/assemblies/new", data={**form, "bands": "many"})
    assert bad.status_code == 422 and bad.context["form"]["title"] == "Asamblea General 2027"
    assert bad.context["error"].startswith("Escriba cada tramo")


def test_state_buttons_move_the_assembly(client):
    assembly_id, _orgs, _issued = seed(client, state="planned")
    browser_login(client, "committee")
    detail = client.get(f"/assemblies/{assembly_id}")
    assert detail.context["next_state"] == "accreditation"
    token = form_token(detail.text)
    client.post(f"/assemblies/{assembly_id}/state", data={"csrf_token": token,
                                                          "state": "accreditation"})
    assert client.get(f"/assemblies/{assembly_id}").context["assembly"].state == "accreditation"
    wrong = client.post(f"/assemblies/{assembly_id}/state", data={"csrf_token": token,
                                                                  "state": "closed"})
    assert wrong.status_code == 409


def test_the_committee_accredits_searches_and_checks_in(client):
    assembly_id, orgs, issued = seed(client)
    browser_login(client, "committee")
    page = client.get(f"/assemblies/{assembly_id}/delegates")
    assert page.template == "assemblies/delegates.html" and page.context["page"].total == 2
    assert {c.id for c in page.context["organizations"]} == {orgs[2], orgs[3]}
    token = form_token(page.text)
    shown = client.post(f"/assemblies/{assembly_id}/delegates", data={
        "csrf_token": token, "organization_id": str(orgs[2]), "name": "Eva Soto"})
    assert shown.status_code == 200 and shown.template == "assemblies/credential_issued.html"
    assert shown.headers["cache-control"] == "no-store"
    credential = shown.context["issued"].credential
    assert credential in shown.text
    twice = client.post(f"/assemblies/{assembly_id}/delegates", data={
        "csrf_token": token, "organization_id": str(orgs[2]), "name": "Otra"})
    assert twice.status_code == 422 and "Eva Soto" in twice.context["error"]

    found = client.get(f"/assemblies/{assembly_id}/delegates?q=planteurs")
    assert [r.delegate.name for r in found.context["page"].rows] == ["Jean-Baptiste Pierre"]
    by_identifier = client.get(
        f"/assemblies/{assembly_id}/delegates?q={issued[0].credential_id.lower()}")
    assert [r.delegate.name for r in by_identifier.context["page"].rows] == ["Rosa Quispe"]

    client.post(f"/assemblies/{assembly_id}/delegates/{issued[0].delegate_id}/check-in",
                data={"csrf_token": token, "q": ""})
    present = client.get(f"/assemblies/{assembly_id}/delegates?status=present")
    assert [r.delegate.name for r in present.context["page"].rows] == ["Rosa Quispe"]


def test_the_sheet_qr_code_leads_the_committee_to_check_in(client):
    assembly_id, _orgs, issued = seed(client)
    # a delegate (or anyone) scanning it gets the login page with the identifier filled in
    login = client.get(f"/login?cred={issued[0].credential_id.lower()}")
    assert login.status_code == 200 and login.context["credential"] == (
        issued[0].credential_id + "-")
    browser_login(client, "committee")
    scanned = client.get(f"/login?cred={issued[0].credential_id}", follow_redirects=False)
    target = f"/assemblies/{assembly_id}/check-in/{issued[0].credential_id}"
    assert scanned.status_code == 303 and scanned.headers["location"].endswith(target)
    confirm = client.get(target)
    assert confirm.template == "assemblies/check_in.html" and not confirm.context["done"]
    assert confirm.context["row"].delegate.checked_in_at is None  # GET changes nothing
    done = client.post(target, data={"csrf_token": form_token(confirm.text)})
    assert done.context["done"] and done.context["row"].delegate.checked_in_at is not None
    assert client.get(f"/assemblies/{assembly_id}/check-in/ZZZZ").status_code == 404


def test_credential_sheets_are_a_real_pdf_with_one_page_per_delegate(client):
    assembly_id, _orgs, issued = seed(client)
    browser_login(client, "committee")
    page = client.get(f"/assemblies/{assembly_id}/credential-sheets")
    assert page.context["unprinted"] == 2
    response = client.post(f"/assemblies/{assembly_id}/credential-sheets",
                           data={"csrf_token": form_token(page.text), "scope": "unprinted"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2
    assert all(len(page.images) == 1 for page in reader.pages)  # the QR code
    rosa = next(p.extract_text() for p in reader.pages if "Rosa Quispe" in p.extract_text())
    jean = next(p.extract_text() for p in reader.pages if "Jean-Baptiste" in p.extract_text())
    assert "Cooperativa Flor de Altura" in rosa and "Credencial" in rosa
    assert "Coopérative des Planteurs de Baptiste" in jean
    assert "SHA-256" not in rosa + jean  # no signing key yet: nothing said about it
    # the printed credential is the one that works now; the earlier one does not
    printed = next(line for line in rosa.splitlines() if line.count("-") == 6).strip()
    client.post("/logout", data={"csrf_token": csrf(client, "/")})
    assert client.post("/api/v1/login", json={"credential": printed}).status_code == 200
    assert client.post("/api/v1/login",
                       json={"credential": issued[0].credential}).status_code == 401


def test_sheets_show_the_signing_key_fingerprint_once_there_is_one(client, monkeypatch):
    from governance.assemblies import sheets

    assembly_id, _orgs, issued = seed(client)
    monkeypatch.setattr(sheets, "FINGERPRINT_SOURCES", [lambda settings, aid: "ab" * 32])
    browser_login(client, "committee")
    response = client.post(f"/assemblies/{assembly_id}/delegates/{issued[1].delegate_id}/sheet",
                           data={"csrf_token": csrf(client, f"/assemblies/{assembly_id}")})
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Jean-Baptiste Pierre" in text and "abababab abababab" in text


def test_proxy_page_grants_with_a_letter_and_keeps_the_history(client):
    assembly_id, orgs, issued = seed(client, proxy_limit=1)
    browser_login(client, "committee")
    page = client.get(f"/assemblies/{assembly_id}/proxies")
    assert {c.id for c in page.context["givers"]} == {orgs[2], orgs[3]}
    token = form_token(page.text)
    letter = b"%PDF-1.4\n% carta poder\n%%EOF\n"
    granted = client.post(f"/assemblies/{assembly_id}/proxies", data={
        "csrf_token": token, "organization_id": str(orgs[2]),
        "delegate_id": str(issued[0].delegate_id)},
        files={"letter": ("carta poder.pdf", letter, "application/pdf")},
        follow_redirects=False)
    assert granted.status_code == 303
    fake = client.post(f"/assemblies/{assembly_id}/proxies", data={
        "csrf_token": token, "organization_id": str(orgs[3]),
        "delegate_id": str(issued[1].delegate_id)},
        files={"letter": ("carta.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")})
    assert fake.status_code == 422 and "PDF, PNG o JPEG" in fake.context["error"]
    over = client.post(f"/assemblies/{assembly_id}/proxies", data={
        "csrf_token": token, "organization_id": str(orgs[3]),
        "delegate_id": str(issued[0].delegate_id)})
    assert over.status_code == 422 and "Rosa Quispe" in over.context["error"]

    history = client.get(f"/assemblies/{assembly_id}/proxies").context["proxies"]
    proxy = history[0].proxy
    download = client.get(f"/assemblies/{assembly_id}/proxies/{proxy.id}/letter")
    assert download.content == letter
    assert download.headers["content-type"] == "application/pdf"
    assert "attachment" in download.headers["content-disposition"]
    client.post(f"/assemblies/{assembly_id}/proxies/{proxy.id}/revoke",
                data={"csrf_token": token})
    client.post("/logout", data={"csrf_token": csrf(client, "/")})
    browser_login(client, "auditor")
    seen = client.get(f"/assemblies/{assembly_id}/proxies")
    assert seen.status_code == 200 and not seen.context["committee"]
    assert seen.context["proxies"][0].proxy.revoked_at is not None
    assert client.get(f"/assemblies/{assembly_id}/proxies/{proxy.id}/letter").status_code == 200


def test_roll_page_renders_with_charts_in_spanish_and_english(client):
    assembly_id, orgs, issued = seed(client, state="in_session")
    with client.app.state.database.transaction() as db:
        services.check_in(db, assembly_id, issued[0].delegate_id, ACTOR, utcnow())
    browser_login(client, "auditor")
    preview = client.get(f"/assemblies/{assembly_id}/roll")
    assert preview.context["frozen"] is False and not preview.context["may_freeze"]
    spanish = client.get(f"/assemblies/{assembly_id}/roll", headers={"Accept-Language": "es"})
    assert spanish.template == "assemblies/roll.html"
    assert spanish.text.count("<svg") == 3 and 'role="img"' in spanish.text
    assert "Por país" in spanish.text and "Cuórum" in spanish.text
    shares = spanish.context["shares"]
    assert {s.label for s in shares["country"]} == {"PE", "HT", "CL", "EC"}
    assert {s.label for s in shares["network"]} == {"Café", "Cacao"}
    quorum = spanish.context["quorum"]
    # sqrt: 1240 → 35, 300 → 17, 40 → 6, 8 → 2; only the first is present
    assert (quorum.total_weight, quorum.present_weight) == (60, 35)
    english = client.get(f"/assemblies/{assembly_id}/roll?lang=en")
    assert "By country" in english.text and "Quorum: reached" in english.text
    fragment = client.get(f"/assemblies/{assembly_id}/roll/quorum")
    assert fragment.template == "assemblies/_quorum.html"


def test_the_committee_freezes_the_roll_from_its_page(client):
    assembly_id, _orgs, _issued = seed(client)
    browser_login(client, "committee")
    page = client.get(f"/assemblies/{assembly_id}/roll")
    assert page.context["may_freeze"]
    client.post(f"/assemblies/{assembly_id}/roll/freeze",
                data={"csrf_token": form_token(page.text)})
    frozen = client.get(f"/assemblies/{assembly_id}/roll")
    assert frozen.context["frozen"] and len(frozen.context["rows"]) == 4
    events = client.get(f"/assemblies/{assembly_id}/audit").context["events"]
    assert events[-1].action == "roll.freeze" and events[-1].actor.startswith("staff:")


def test_a_delegate_logs_in_lands_on_my_assembly_and_checks_in(client):
    assembly_id, _orgs, issued = seed(client, self_check_in=True)
    login = client.get("/login")
    assert login.text.index('id="credential"') < login.text.index('id="username"')
    bad = client.post("/login/credential", data={"credential": "K7QF-2222",
                                                 "csrf_token": csrf(client)})
    assert bad.status_code == 401 and bad.context["form"] == "delegate"
    assert "7 grupos de 4" in bad.context["error"]
    delegate_browser_login(client, issued[0].credential.lower().replace("-", " "))
    home = client.get("/me")
    assert home.template == "assemblies/me.html" and home.context["may_check_in"]
    assert [r.organization_name for r in home.context["represents"]] == [
        "Cooperativa Flor de Altura"]
    client.post("/me/check-in", data={"csrf_token": form_token(home.text)})
    after = client.get("/me")
    assert after.context["delegate"].checked_in_at is not None
    assert not after.context["may_check_in"]
    # a delegate is not staff
    assert client.get(f"/assemblies/{assembly_id}").status_code == 403


def test_staff_pages_need_the_right_role(client):
    assembly_id, _orgs, issued = seed(client)
    assert client.get("/assemblies", follow_redirects=False).status_code == 303
    browser_login(client, "auditor")
    assert client.get("/assemblies").status_code == 200
    assert client.get("/assemblies/new").status_code == 403
    assert client.get(f"/assemblies/{assembly_id}/credential-sheets").status_code == 403
    assert client.get("/me").status_code == 403
