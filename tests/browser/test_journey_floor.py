"""The floor as people use it: the chair writes the agenda and moves through it on a laptop,
a delegate asks for the floor from a phone without JavaScript, the chair gives the floor and
the projector counts the speaking time down. axe on every new page; 360 px without scrolling
sideways."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import (
    add_staff,
    assert_accessible,
    assert_fits,
    login_delegate,
    login_staff,
)
from tests.factories_polls import assembly_in_session, ensure_key


def test_agenda_speakers_and_countdown(live_server, desktop_page, new_page):
    ensure_key(live_server.settings)
    with live_server.database.transaction() as db:
        session = assembly_in_session(db, live_server.settings, [100, 50, 20])
    chair = desktop_page
    # 1. The chair writes two items of the agenda.
    login_staff(chair, add_staff(live_server, "board"))
    chair.goto(f"/assemblies/{session.assembly_id}/agenda")
    for title in ("Informe del Consejo Directivo", "Elección del Consejo"):
        chair.get_by_label("Título").fill(title)
        chair.get_by_label("Duración prevista, en minutos").fill("30")
        chair.get_by_role("button", name="Agregar el punto").click()
    expect(chair.locator("ol.agenda > li")).to_have_count(2)
    assert_accessible(chair)
    # 2. One click starts the agenda; the first item is under way.
    chair.get_by_role("button", name="Comenzar el orden del día").click()
    expect(chair.locator("[aria-current=step]")).to_contain_text("Informe del Consejo")
    # 3. A delegate, on a phone without JavaScript, asks for the floor.
    phone = new_page(viewport="phone", javascript=False)
    login_delegate(phone, session.delegations[1].credential)
    phone.goto("/me/floor")
    assert "Informe del Consejo Directivo" in phone.content()
    phone.get_by_role("button", name="Pedir la palabra").click()
    expect(phone.get_by_text("Usted es el número 1 en la lista de oradores.")).to_be_visible()
    assert_accessible(phone)
    assert_fits(phone)
    # 4. The chair's console: the request is there; the chair gives the floor.
    chair.get_by_role("link", name="Lista de oradores").first.click()
    expect(chair.locator("ol.speakers")).to_contain_text("Delegada 1")
    chair.get_by_role("button", name="Dar la palabra a la siguiente persona").click()
    expect(chair.locator(".speaker-now")).to_contain_text("Delegada 1")
    assert_accessible(chair)
    # 5. The projector counts the speaking time down (JavaScript on).
    projector = new_page(viewport="desktop")
    login_staff(projector, add_staff(live_server, "auditor"))
    projector.goto(f"/assemblies/{session.assembly_id}/floor/projector")
    clock = projector.locator(".countdown .clock")
    expect(clock).to_have_text(re.compile(r"^[0-3]:\d\d$"))
    first = clock.inner_text()
    expect(clock).not_to_have_text(first, timeout=4000)
    assert_accessible(projector)
    # 6. The phone shows who has the floor, and the agenda, at 360 px.
    phone.goto("/me/floor")
    assert "Delegada 1" in phone.content()
    assert_fits(phone)
    # 7. The assembly's edit form: the weighting is shown but fixed (the roll is frozen).
    chair.goto(f"/assemblies/{session.assembly_id}/edit")
    expect(chair.get_by_text("El padrón está congelado")).to_be_visible()
    assert_accessible(chair)
