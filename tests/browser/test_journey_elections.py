"""Elections as the board uses them: a new election with reserved seats through the form, a
nomination and its acceptance, and the seats explained after the vote — axe on each page, and
the pages at 360 px without JavaScript."""

from __future__ import annotations

from playwright.sync_api import expect

from governance.db import utcnow
from governance.elections import services as elections
from governance.polls import services as polls
from governance.results.services import sealer
from tests.browser.helpers import add_staff, assert_accessible, assert_fits, login_staff
from tests.factories import make_organization
from tests.factories_polls import ACTOR, assembly_in_session, ensure_key


def test_an_election_from_the_form_to_the_seats(live_server, desktop_page, new_page):
    ensure_key(live_server.settings)
    now = utcnow()
    with live_server.database.transaction() as db:
        session = assembly_in_session(db, live_server.settings, [300, 200, 100])
        andean = make_organization(db, name="Cooperativa Andina", region="andean").id
        caribbean = make_organization(db, name="Cooperativa Caribe", region="caribbean").id
        # an election already voted, for its seats
        voted = elections.create_election(db, session.assembly_id, {
            "title": "Fiscalía", "seats": 2,
            "reservations": [{"kind": "region", "value": "caribbean"}]}, ACTOR, now)
        people = [elections.nominate(db, voted.id, org, name, None, ACTOR, now)
                  for org, name in ((andean, "Rosa Quispe"), (caribbean, "Marie Joseph"))]
        for person in people:
            elections.accept(db, person.id, ACTOR, now)
        poll = elections.create_poll(db, voted.id, ACTOR, now)
        polls.open_poll(db, poll.id, ACTOR, now)
        for delegation, person in zip(session.delegations, people + people, strict=False):
            polls.cast_ballot(db, poll.id, delegate_id=delegation.delegate_id,
                              payload={"choices": [f"c{person.id}"]}, now=now)
        polls.close_poll(db, sealer(live_server.settings), poll.id, ACTOR, now)
    page = desktop_page
    login_staff(page, add_staff(live_server, "board"))
    # 1. A new election with a seat reserved for the Andean region, parity on.
    page.goto(f"/assemblies/{session.assembly_id}/elections")
    page.get_by_label("Título").fill("Consejo Directivo")
    page.get_by_label("Andina").check()
    page.get_by_label("Paridad", exact=False).check()
    assert_accessible(page)
    page.get_by_role("button", name="Crear la elección").click()
    expect(page.get_by_role("heading", name="Consejo Directivo")).to_be_visible()
    # 2. A nomination on an organization's behalf, then its acceptance.
    page.get_by_label("Organización (al día con sus obligaciones)").select_option(
        label="Cooperativa Andina")
    page.get_by_label("Nombre completo de la persona candidata").fill("Rosa Quispe")
    page.get_by_label("Género").select_option("woman")
    page.get_by_role("button", name="Postular").click()
    page.get_by_role("button", name="Registrar la aceptación de Rosa Quispe").click()
    expect(page.locator("table")).to_contain_text("sí")
    assert_accessible(page)
    # 3. The voted election explains each seat, on a phone without JavaScript too.
    phone = new_page(viewport="phone", javascript=False)
    login_staff(phone, add_staff(live_server, "auditor"))
    phone.goto(f"/elections/{voted.id}")
    seats = phone.locator("ol.seats > li")
    expect(seats).to_have_count(2)
    expect(seats.nth(0)).to_contain_text("reservado para la región Caribe")
    assert_accessible(phone)
    assert_fits(phone)
    phone.goto(f"/polls/{poll.id}")
    expect(phone.locator("ol.seats > li")).to_have_count(2)
    assert_fits(phone)
