"""The public archive through the app: search page, permalinks, attachments, exports, the
Atom feed and `searchArchive`, with no login."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

from governance.archive import exchange
from governance.motions import attachments, content, services
from tests.factories_motions import ACTOR, PDF, load_example, make_motion, make_published

ATOM = "{http://www.w3.org/2005/Atom}"


def seed(client):
    app = client.app
    with app.state.database.transaction() as db:
        load_example(db, app.state.settings)
        newer = make_published(db, code="POS-2026-01", title="Nueva posición sobre plantaciones",
                               body="Sustituye el **mandato** de 2010. <script>alert(1)</script>")
        content.link_motions(db, newer.id, "supersedes", "GA-2010-03", ACTOR)
        services.update_motion(db, newer.id, {"result_poll_id": 16}, ACTOR)
        attachments.add_attachment(db, app.state.settings, newer.id, "acta.pdf", PDF, ACTOR)
        draft = make_motion(db, code="DRAFT-9", title="Plantaciones: borrador secreto")
        attachments.add_attachment(db, app.state.settings, draft.id, "secreto.pdf",
                                   PDF + b"draft", ACTOR)
        return newer.attachments[0].id, draft.attachments[0].id


def test_search_page_in_spanish_by_default(client):
    seed(client)
    page = client.get("/archive?q=plantaciones")
    assert page.status_code == 200 and page.template == "archive/index.html"
    hits = page.context["page"].hits
    assert {h.code for h in hits} == {"GA-2010-03", "DEC-2011-01", "POS-2026-01"}
    assert {h.language for h in hits} == {"es"}
    assert "noviembre de 2010" in page.text and "22 de septiembre de 2011" in page.text
    assert "<mark>plantaciones</mark>" in page.text
    assert "DRAFT-9" not in page.text and "borrador secreto" not in page.text
    assert [bar["year"] for bar in page.context["chart"]["bars"]][:2] == [2010, 2011]
    assert "<svg" in page.text and "Motivos" not in page.text


def test_search_page_in_the_language_asked(client):
    seed(client)
    page = client.get("/archive?q=contract+production&lang=en")
    hits = {h.code: h for h in page.context["page"].hits}
    assert set(hits) == {"GA-2010-03", "DEC-2011-01"}
    assert hits["DEC-2011-01"].title.startswith("Letter to Fairtrade International")
    assert "September 22, 2011" in page.text and "November 2010" in page.text
    portuguese = client.get("/archive?q=plantations&lang=pt")
    assert {h.language for h in portuguese.context["page"].hits} == {"es"}
    assert "original" in portuguese.text


def test_filters_and_bad_filters(client):
    seed(client)
    assert [h.code for h in client.get("/archive?year=2011").context["page"].hits] == [
        "DEC-2011-01"]
    assert [h.code for h in client.get("/archive?kind=strategic_plan")
            .context["page"].hits] == ["GA-2022-01"]
    for bad in ("year=abc", "kind=wish", "status=draft", "page=-1"):
        response = client.get(f"/archive?{bad}")
        assert response.status_code == 422, bad


def test_permalink_shows_history_outcome_translations_and_both_directions(client):
    seed(client)
    old = client.get("/archive/GA-2010-03")
    assert old.status_code == 200 and old.template == "archive/motion.html"
    assert [m.code for m in old.context["found"].superseded_by] == ["POS-2026-01"]
    assert "Sustituida por" in old.text and "Registro histórico" in old.text
    assert "119.761" in old.text and old.context["shown"].language == "es"
    english = client.get("/archive/GA-2010-03?lang=en")
    assert english.context["shown"].language == "en" and "119,761 farmers" in english.text
    assert "Superseded by" in english.text
    new = client.get("/archive/pos-2026-01?lang=es")
    assert [m.code for m in new.context["found"].supersedes] == ["GA-2010-03"]
    assert "<strong>mandato</strong>" in new.text and "<script>alert" not in new.text
    assert "Resultado de la votación 16" in new.text


def test_plan_page_shows_its_four_objectives_with_their_outcome(client):
    seed(client)
    page = client.get("/archive/GA-2022-01?lang=en")
    objectives = page.context["motion"].objectives
    assert [o.number for o in objectives] == [1, 2, 3, 4]
    assert all(o.outcome == "adopted" for o in objectives)
    for title in ("Markets in the North and in the South",
                  "Empowerment of the membership through an integral offer of services",
                  "Organizational capacity of the network&#39;s structures and team"):
        assert title in page.text
    assert page.text.count('class="status status-adopted"') >= 5  # the plan and its four
    # dated as precisely as the minutes are: the month, not an invented first day
    history = page.text[page.text.index('id="history-heading"'):]
    assert "January 2022" in history and "January 1, 2022" not in history


def test_drafts_are_not_public_but_staff_may_open_them(client):
    _public_id, draft_attachment = seed(client)
    assert client.get("/archive/DRAFT-9").status_code == 404
    assert client.get(f"/archive/DRAFT-9/attachments/{draft_attachment}").status_code == 404
    assert client.get("/archive/NOPE-1").status_code == 404
    from tests.factories import browser_login

    browser_login(client, "auditor")
    page = client.get("/archive/DRAFT-9")
    assert page.status_code == 200 and "solo el personal" in page.text


def test_attachments_download_as_pdf(client):
    public_id, _draft_id = seed(client)
    response = client.get(f"/archive/POS-2026-01/attachments/{public_id}")
    assert response.status_code == 200 and response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert client.get(f"/archive/GA-2010-03/attachments/{public_id}").status_code == 404


def test_atom_feed_is_xml_with_one_entry_per_published_motion(client):
    seed(client)
    response = client.get("/archive/feed.atom?lang=en")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 - our own output
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    codes = sorted(e.findtext(f"{ATOM}title").split(" · ")[0] for e in entries)
    assert codes == ["DEC-2011-01", "GA-2010-03", "GA-2022-01", "POS-2026-01"]
    for entry in entries:
        assert entry.findtext(f"{ATOM}id").startswith("http://testserver/archive/")
        assert entry.findtext(f"{ATOM}updated").endswith("Z")
    letter = next(e for e in entries if "DEC-2011-01" in e.findtext(f"{ATOM}title"))
    assert "Letter to Fairtrade International" in letter.findtext(f"{ATOM}title")
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").endswith("/archive/feed.atom")


def test_json_export_is_the_import_format(client):
    seed(client)
    response = client.get("/archive/export.json")
    document = response.json()
    assert document["format"] == exchange.FORMAT
    assert [m["code"] for m in document["motions"]] == [
        "GA-2010-03", "DEC-2011-01", "GA-2022-01", "POS-2026-01"]
    exchange.check_schema(exchange.DOCUMENT_SCHEMA, document)


def test_csv_export_cannot_run_formulas(client):
    with client.app.state.database.transaction() as db:
        make_published(db, code="EVIL-1", title='=HYPERLINK("http://x","click")',
                       tags=["@SUM(1)", "+1", "-2", "normal"], submitter="=cmd|' /C calc'!A0")
    response = client.get("/archive/export.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 1
    row = rows[0]
    assert row["title"] == "'=HYPERLINK(\"http://x\",\"click\")"
    assert row["submitter"].startswith("'=") and row["tags"].startswith("'")
    assert row["url"] == "http://testserver/archive/EVIL-1"


def test_search_archive_api(client):
    seed(client)
    response = client.get("/api/v1/archive/search?q=plantaciones&lang=en")
    assert response.status_code == 200
    body = response.json()
    items = {item["code"]: item for item in body["items"]}
    assert set(items) == {"GA-2010-03", "DEC-2011-01", "POS-2026-01"}
    mandate = items["GA-2010-03"]
    assert (mandate["year"], mandate["status"], mandate["language"], mandate["dated"]) == (
        2010, "adopted", "en", "2010-11")
    assert mandate["title"].startswith("No to the certification of plantations")
    assert mandate["url"] == "http://testserver/archive/GA-2010-03"
    assert items["DEC-2011-01"]["dated"] == "2011-09-22"
    assert {"year": 2010, "motions": 1} in body["timeline"]
    spanish = client.get("/api/v1/archive/search?q=contract%20production&lang=es").json()
    assert {i["code"]: i["language"] for i in spanish["items"]} == {
        "GA-2010-03": "es", "DEC-2011-01": "es"}
    bad = client.get("/api/v1/archive/search?year=x")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid"


def test_nav_links(client):
    home = client.get("/")
    assert 'href="http://testserver/archive"' in home.text and "/motions" not in home.text
    from tests.factories import browser_login

    browser_login(client, "board")
    board_home = client.get("/")
    assert 'href="http://testserver/motions"' in board_home.text
