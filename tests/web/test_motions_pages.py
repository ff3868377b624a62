"""The board's motion pages and the motions API through the app: roles, forms with their
errors, the workflow, translations, objectives, links, attachments and amendments."""

from __future__ import annotations

from sqlalchemy import select

from governance.app import DOMAINS
from governance.audit.models import AuditEvent
from governance.motions import services
from tests.factories import browser_login, csrf, make_organization, staff
from tests.factories_motions import PDF, make_motion, make_plan, make_published

FIXED = {"createMotion", "getMotion", "listMotions", "publishMotion", "amendMotion",
         "searchArchive"}


def motion_id(client, code):
    with client.app.state.database.transaction() as db:
        return services.get_motion_by_code(db, code).id


def post(client, path, data, **kw):
    return client.post(path, data={"csrf_token": csrf(client, "/motions"), **data},
                       follow_redirects=False, **kw)


def test_openapi_has_the_fixed_operations(client):
    document = client.get("/api/v1/openapi.json").json()
    ids = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert FIXED <= ids
    assert ids == {o.operation_id for d in DOMAINS for o in d.api.operations}
    search = document["paths"]["/api/v1/archive/search"]["get"]
    assert {p["name"] for p in search["parameters"]} >= {"q", "lang", "year", "kind", "tag"}
    assert "/api/v1/motions/{code}" in document["paths"]


def test_roles_guard_the_pages(client):
    assert client.get("/motions", follow_redirects=False).status_code == 303
    browser_login(client, "auditor")
    assert client.get("/motions").status_code == 200
    assert client.get("/motions/new").status_code == 403
    response = post(client, "/motions/new", {"code": "X-1", "kind": "position", "title": "t"})
    assert response.status_code == 403


def test_board_drafts_edits_and_publishes_through_the_pages(client):
    browser_login(client, "board")
    form = client.get("/motions/new")
    assert form.status_code == 200 and form.template == "motions/form.html"
    assert form.context["values"]["submitter"] == "Junta Directiva"
    bad = post(client, "/motions/new", {"code": "GA 2026", "kind": "resolution",
                                         "title": "Presupuesto", "language": "es"})
    assert bad.status_code == 422 and "código de referencia" in bad.context["error"]
    assert bad.context["values"]["title"] == "Presupuesto"  # what was typed stays
    created = post(client, "/motions/new", {
        "code": "ga-2026-01", "kind": "resolution", "language": "es", "title": "Presupuesto",
        "body": "Texto **inicial**", "tags": "finanzas, presupuesto", "submitter": "",
        "submitter_organization_id": "", "assembly_name": "", "assembly_id": "",
        "dated": "", "amendment_deadline": "2026-12-01T23:59", "source_note": "",
        "outcome_note": "", "result_poll_id": ""})
    assert created.status_code == 303
    new_id = motion_id(client, "GA-2026-01")
    assert created.headers["location"].endswith(f"/motions/{new_id}")
    page = client.get(f"/motions/{new_id}")
    assert page.template == "motions/manage.html"
    motion = page.context["motion"]
    assert (motion.status, motion.tag_names, motion.submitter) == (
        "draft", ["finanzas", "presupuesto"], "Junta Directiva")
    assert motion.amendment_deadline.isoformat() == "2026-12-01T23:59:00+00:00"
    assert "<strong>inicial</strong>" in page.text

    edited = post(client, f"/motions/{new_id}/edit", {
        "code": "GA-2026-01", "kind": "resolution", "title": "Presupuesto 2026", "body": "x",
        "submitter": "Junta Directiva", "tags": "finanzas"})
    assert edited.status_code == 303
    moved = post(client, f"/motions/{new_id}/move", {"to": "published", "note": ""})
    assert moved.status_code == 303 and moved.headers["location"].endswith("#workflow")
    after = client.get(f"/motions/{new_id}").context["motion"]
    assert (after.status, after.original.title) == ("published", "Presupuesto 2026")
    # the wording is fixed now: the edit page offers only the record
    record_form = client.get(f"/motions/{new_id}/edit")
    assert 'name="title"' not in record_form.text and 'name="tags"' in record_form.text
    refused = post(client, f"/motions/{new_id}/move", {"to": "on_agenda", "note": ""})
    assert refused.status_code == 422 and refused.template == "motions/manage.html"
    assert "qué asamblea" in refused.context["error"]
    with client.app.state.database.transaction() as db:
        actions = db.scalars(select(AuditEvent.action).where(
            AuditEvent.subject == f"motion:{new_id}")).all()
    assert actions == ["motion.create", "motion.update", "motion.transition"]


def test_translations_objectives_links_and_attachments_through_the_pages(client):
    with client.app.state.database.transaction() as db:
        plan_id = make_plan(db, objectives=1, code="PLAN-1").id
        make_published(db, code="OLD-1")
    browser_login(client, "board")
    base = f"/motions/{plan_id}"
    assert post(client, f"{base}/objectives", {"number": "2", "title": "Mercados",
                                               "body": ""}).status_code == 303
    assert post(client, f"{base}/texts", {"language": "en", "title": "Plan",
                                          "body": "Text"}).status_code == 303
    assert post(client, f"{base}/objectives/translate", {
        "number": "2", "language": "en", "title": "Markets", "body": ""}).status_code == 303
    assert post(client, f"{base}/links", {"relation": "supersedes",
                                          "code": "old-1"}).status_code == 303
    missing = post(client, f"{base}/links", {"relation": "supersedes", "code": "NONE-1"})
    assert missing.status_code == 404
    upload = post(client, f"{base}/attachments", {}, files={"file": ("acta.pdf", PDF,
                                                                     "application/pdf")})
    assert upload.status_code == 303
    fake = post(client, f"{base}/attachments", {},
                files={"file": ("virus.pdf", b"MZ\x90\x00", "application/pdf")})
    assert fake.status_code == 422 and "no es un PDF" in fake.context["error"]
    assert post(client, f"{base}/move", {"to": "published", "note": ""}).status_code == 303
    assert post(client, f"{base}/objectives/outcome", {
        "number": "2", "outcome": "adopted", "poll_id": "5"}).status_code == 303
    late = post(client, f"{base}/objectives", {"number": "3", "title": "Tarde", "body": ""})
    assert late.status_code == 409
    page = client.get(base)
    found = page.context["found"]
    assert [(o.number, o.outcome, o.title_in("en")) for o in found.motion.objectives] == [
        (1, None, "Objetivo 1"), (2, "adopted", "Markets")]
    assert [m.code for m in found.supersedes] == ["OLD-1"]
    assert [t.language for t in found.motion.texts] == ["en", "es"]
    assert [a.filename for a in found.motion.attachments] == ["acta.pdf"]
    link_id = found.link_ids[("supersedes", found.supersedes[0].id)]
    assert post(client, f"{base}/links/remove", {"link_id": str(link_id)}).status_code == 303
    assert client.get(base).context["found"].supersedes == []


def test_committee_enters_an_amendment_for_a_member_organization(client):
    with client.app.state.database.transaction() as db:
        org = make_organization(db, name="Cooperativa Apícola del Sur")
        parent_id = make_published(db, code="GA-2026-09").id
    browser_login(client, "committee")
    form = client.get(f"/motions/{parent_id}/amend")
    assert form.status_code == 200 and form.template == "motions/amend.html"
    without = post(client, f"/motions/{parent_id}/amend", {
        "title": "Enmienda", "body": "", "language": "es", "tags": "",
        "submitter_organization_id": ""})
    assert without.status_code == 422 and without.template == "motions/amend.html"
    done = post(client, f"/motions/{parent_id}/amend", {
        "title": "Enmienda", "body": "Cambiar el párrafo 2", "language": "es", "tags": "",
        "submitter_organization_id": str(org.id)})
    assert done.status_code == 303
    amendment = client.get(done.headers["location"]).context["found"]
    assert (amendment.motion.code, amendment.parent.code, amendment.motion.submitter) == (
        "GA-2026-09-A1", "GA-2026-09", "Cooperativa Apícola del Sur")
    # the committee enters amendments but does not run the workflow
    refused = post(client, f"/motions/{parent_id}/move", {"to": "on_agenda",
                                                         "assembly_name": "XI"})
    assert refused.status_code == 403


def test_motions_api(client):
    board = staff(client, "board")
    created = client.post("/api/v1/motions", headers=board, json={
        "code": "GA-2026-04", "kind": "strategic_plan", "title": "Plan 2026–2028",
        "body": "Cuatro objetivos", "tags": ["plan"], "language": "es"})
    assert created.status_code == 201
    body = created.json()
    assert {k: body[k] for k in ("code", "title", "body", "kind", "status")} == {
        "code": "GA-2026-04", "title": "Plan 2026–2028", "body": "Cuatro objetivos",
        "kind": "strategic_plan", "status": "draft"}
    assert client.get("/api/v1/motions/GA-2026-04").status_code == 404  # a draft, to the public
    assert client.get("/api/v1/motions/GA-2026-04", headers=board).status_code == 200
    early = client.post("/api/v1/motions/GA-2026-04/publish", headers=board)
    assert early.status_code == 409 and early.json()["error"]["code"] == "conflict"
    objective = client.put("/api/v1/motions/GA-2026-04/objectives/1", headers=board,
                           json={"title": "Mercados"})
    assert objective.json()["objectives"][0]["title"] == "Mercados"
    english = client.put("/api/v1/motions/GA-2026-04/texts/en", headers=board,
                         json={"title": "Plan 2026–2028", "body": "Four objectives"})
    assert english.status_code == 200
    published = client.post("/api/v1/motions/GA-2026-04/publish", headers=board)
    assert published.json()["status"] == "published" and published.json()["published_at"]
    public = client.get("/api/v1/motions/GA-2026-04?lang=en").json()
    assert (public["title"], public["body"], public["language"]) == (
        "Plan 2026–2028", "Four objectives", "en")
    listed = client.get("/api/v1/motions").json()
    assert [m["code"] for m in listed["motions"]] == ["GA-2026-04"]

    with client.app.state.database.transaction() as db:
        org = make_organization(db)
        make_motion(db, code="HIDDEN-1")
    assert client.get("/api/v1/motions").json()["total"] == 1
    assert client.get("/api/v1/motions", headers=board).json()["total"] == 2
    amended = client.post("/api/v1/motions/GA-2026-04/amendments", headers=staff(
        client, "committee"), json={"title": "Un quinto objetivo",
                                    "submitter_organization_id": org.id})
    assert amended.status_code == 201 and amended.json()["parent"] == "GA-2026-04"
    assert amended.json()["status"] == "published"
    on_agenda = client.post("/api/v1/motions/GA-2026-04/transitions", headers=board,
                            json={"status": "on_agenda", "assembly_id": 3})
    assert on_agenda.json()["assembly"] == {"id": 3, "name": None}
    blocked = client.post("/api/v1/motions/GA-2026-04/transitions", headers=board,
                          json={"status": "voted"})
    assert blocked.status_code == 409 and "GA-2026-04-A1" in blocked.json()["error"]["message"]
    link = client.post("/api/v1/motions/GA-2026-04/links", headers=board,
                       json={"relation": "amends", "code": "HIDDEN-1"})
    assert link.json()["amends"] == ["HIDDEN-1"]


def test_motions_api_errors_are_json(client):
    board = staff(client, "board")
    cases = [
        client.post("/api/v1/motions", json={"code": "A-1", "kind": "mandate", "title": "t"}),
        client.post("/api/v1/motions", headers=staff(client, "auditor"),
                    json={"code": "A-1", "kind": "mandate", "title": "t"}),
        client.post("/api/v1/motions", headers=board, json={"code": "A-1"}),
        client.post("/api/v1/motions", headers=board,
                    json={"code": "A 1", "kind": "mandate", "title": "t"}),
        client.get("/api/v1/motions/NOPE-1"),
        client.get("/api/v1/motions?status=asleep"),
        client.post("/api/v1/motions/NOPE-1/publish", headers=board),
        client.post("/api/v1/motions", headers=board, content=b"{oops"),
    ]
    assert [r.status_code for r in cases] == [401, 403, 422, 422, 404, 422, 404, 422]
    for response in cases:
        assert set(response.json()["error"]) == {"code", "message"}
    duplicate = {"code": "A-1", "kind": "mandate", "title": "t"}
    assert client.post("/api/v1/motions", headers=board, json=duplicate).status_code == 201
    assert client.post("/api/v1/motions", headers=board, json=duplicate).status_code == 409
