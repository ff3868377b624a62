"""Voting as people do it: a delegate on a phone (with and without JavaScript, and with the
keyboard alone) votes for its organization and a proxied one and keeps the receipt; the chair
opens a poll, watches turnout on the projector and closes it; an auditor downloads the bundle."""

from __future__ import annotations

import zipfile

from playwright.sync_api import expect

from ballots.verify import verify_bundle
from governance.db import utcnow
from governance.polls import services as polls
from tests.browser.helpers import (
    add_staff,
    assert_accessible,
    assert_fits,
    login_delegate,
    login_staff,
    tab_until,
)
from tests.factories_polls import ACTOR, assembly_in_session, ensure_key, open_poll


def seeded(live_server, **poll):
    ensure_key(live_server.settings)
    with live_server.database.transaction() as db:
        session = assembly_in_session(db, live_server.settings, [1200, 40, 300],
                                      proxies=[(90, 0)])
        poll_id = open_poll(db, session.assembly_id, **poll) if poll is not None else None
    return session, poll_id


def vote_on_phone(page, live_server, tmp_path):
    session, poll_id = seeded(live_server)
    mine = session.delegations[0]
    # 1. The delegate types the credential from the sheet.
    login_delegate(page, mine.credential.lower().replace("-", " "))
    assert_fits(page)
    # 2. The open polls, then the poll: both organizations are on one screen.
    page.goto("/me/polls")
    page.get_by_role("link", name="¿Aprobamos la moción?").click()
    assert_accessible(page)
    assert_fits(page)
    papers = page.locator("section.paper")
    assert papers.count() == 2
    # 3. One tap on "Sí" for the own organization, then the confirmation.
    papers.nth(0).get_by_role("button", name="Sí").click()
    assert page.get_by_role("heading", name="Confirme su voto").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Confirmar mi voto").click()
    own = page.locator("section.paper").nth(0)
    assert "Voto registrado" in own.inner_text()
    receipt = own.locator("code").inner_text()
    assert len(receipt) == 64
    # 4. The proxied organization votes "No" the same way.
    page.locator("section.paper").nth(1).get_by_role("button", name="No").click()
    page.get_by_role("button", name="Confirmar mi voto").click()
    assert "Voto registrado" in page.locator("section.paper").nth(1).inner_text()
    # 5. The receipt is kept as a file.
    with page.expect_download() as download:
        page.locator("section.paper").nth(0).get_by_role("link",
                                                         name="Descargar el comprobante").click()
    kept = tmp_path / "receipt.txt"
    download.value.save_as(kept)
    assert receipt in kept.read_text()
    # 6. After the chair closes the poll, the receipt is found in the signed ledger.
    with live_server.database.transaction() as db:
        from governance.results.services import sealer

        polls.close_poll(db, sealer(live_server.settings), poll_id, ACTOR, utcnow())
    page.goto(f"/polls/{poll_id}/receipt?receipt={receipt}")
    assert "Este voto está en el registro firmado" in page.inner_text("main")
    assert_accessible(page)


def test_delegate_votes_on_a_phone(phone_page, live_server, tmp_path):
    vote_on_phone(phone_page, live_server, tmp_path)


def test_delegate_votes_on_a_phone_without_javascript(phone_page_nojs, live_server, tmp_path):
    vote_on_phone(phone_page_nojs, live_server, tmp_path)


def test_delegate_votes_with_the_keyboard_alone(desktop_page, live_server):
    page = desktop_page
    session, poll_id = seeded(live_server)
    login_delegate(page, session.delegations[1].credential)
    page.goto(f"/me/polls/{poll_id}")
    # 1. Tab to "Abstención" and press Enter; the focus is visible at every stop.
    tab_until(page, lambda e: e.get("text") == "Abstención")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # 2. Tab to the confirmation and press Enter.
    tab_until(page, lambda e: e.get("text") == "Confirmar mi voto")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Voto registrado" in page.inner_text("main")


def test_chair_watches_turnout_and_the_projector_shows_the_result(new_page, live_server,
                                                                   tmp_path):
    session, _ = seeded(live_server, title="Presupuesto 2027", method="yes_no_abstain")
    with live_server.database.transaction() as db:
        poll = polls.create_poll(db, session.assembly_id, {"title": "Elección de vocal",
                                 "method": "single", "options": ["ana", "beto"],
                                 "option_labels": {"ana": "Ana", "beto": "Beto"}}, ACTOR,
                                 utcnow())
    chair = new_page(viewport="desktop")
    projector = new_page(viewport={"width": 1920, "height": 1080})
    login_staff(chair, add_staff(live_server, "board"))
    login_staff(projector, add_staff(live_server, "board"))
    # 1. The chair opens the poll from its page.
    chair.goto(f"/polls/{poll.id}")
    chair.get_by_role("button", name="Abrir la votación").click()
    assert "Participación en vivo" in chair.inner_text("main")
    assert_accessible(chair)
    # 2. Delegates vote; the projector shows the turnout rising.
    projector.goto(f"/polls/{poll.id}/projector")
    assert "Han votado 0 de 4 organizaciones" in projector.inner_text("main")
    with live_server.database.transaction() as db:
        for delegation in session.delegations[:2]:
            polls.cast_ballot(db, poll.id, delegate_id=delegation.delegate_id,
                              payload={"choice": "ana"}, now=utcnow())
    # The projector is not reloaded: live.js refreshes its turnout in place.
    expect(projector.locator("#live")).to_contain_text("Han votado 2 de 4 organizaciones",
                                                      timeout=10_000)
    # 3. The chair closes; the projector shows the result chart.
    chair.get_by_role("button", name="Cerrar la votación y firmar el resultado").click()
    expect(projector.locator("main")).to_contain_text("Electas: Ana", timeout=10_000)
    assert projector.locator("svg.chart").count() == 1
    assert_accessible(projector)
    # 4. An auditor downloads the bundle from the audit page; it verifies offline.
    auditor = new_page(viewport="desktop")
    login_staff(auditor, add_staff(live_server, "auditor"))
    auditor.goto("/audit")
    assert_accessible(auditor)
    with auditor.expect_download() as download:
        auditor.get_by_role("link", name="ZIP").first.click()
    bundle = tmp_path / "bundle.zip"
    download.value.save_as(bundle)
    assert "result.json" in zipfile.ZipFile(bundle).namelist()
    assert verify_bundle(bundle).ok
