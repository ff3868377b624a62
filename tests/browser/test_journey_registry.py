"""Journeys through the member registry in a real browser: a committee member on a laptop, the
same on a phone without JavaScript, and with the keyboard alone."""

from __future__ import annotations

import re

from tests.browser.helpers import (
    PASSWORD,
    add_staff,
    assert_accessible,
    assert_fits,
    assert_focus_visible,
    login_staff,
    tab_until,
)
from tests.browser.server import LiveServer
from tests.factories import make_organization


def seed_registry(server: LiveServer) -> dict[str, int]:
    """Three organizations in two countries; returns their ids by name."""
    with server.database.transaction() as db:
        made = [
            make_organization(db, name="Cooperativa Cafetalera Flor de Altura", country="PE",
                              platform="CNC Perú", networks=["Café"], members=1240),
            make_organization(db, name="Asociación de Bananeros del Chira", country="PE",
                              platform="CNC Perú", networks=["Banano"], members=420),
            make_organization(db, name="Cooperativa Frutícola de Curicó", country="CL",
                              platform="Plataforma Cono Sur", networks=["Frutas"], members=210,
                              standing="arrears"),
        ]
        return {organization.name: organization.id for organization in made}


def registry_names(page) -> list[str]:
    return page.locator("table tbody tr td:first-child").all_inner_texts()


def test_committee_member_filters_the_registry_in_spanish_then_english(desktop_page, live_server):
    page = desktop_page
    ids = seed_registry(live_server)
    username = add_staff(live_server, "committee")

    # 1. The registry asks for a login first, and comes back to it afterwards.
    page.goto("/organizations")
    assert re.search(r"/login\?next=%2Forganizations$", page.url)
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", level=1).inner_text() == "Ingresar"
    assert_accessible(page)

    # 2. The committee member types the username and password and presses the button.
    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Ingresar").click()

    # 3. The registry lists every organization, in Spanish.
    assert page.url == live_server.url + "/organizations"
    assert page.get_by_role("heading", level=1).inner_text() == "Registro de miembros"
    assert page.get_by_text("3 organizaciones").is_visible()
    assert sorted(registry_names(page)) == sorted(ids)
    assert_accessible(page)

    # 4. Filter by country: only the Peruvian organizations remain.
    page.get_by_label("País", exact=True).select_option(label="Perú")
    with page.expect_navigation():
        page.get_by_role("button", name="Filtrar").click()
    assert "country=PE" in page.url
    assert sorted(registry_names(page)) == ["Asociación de Bananeros del Chira",
                                            "Cooperativa Cafetalera Flor de Altura"]
    assert page.get_by_label("País", exact=True).input_value() == "PE"  # the filter stays chosen
    assert_accessible(page)

    # 5. Open one organization: its facts, with numbers written the Spanish way.
    page.get_by_role("link", name="Cooperativa Cafetalera Flor de Altura").click()
    assert page.url.endswith(f"/organizations/{ids['Cooperativa Cafetalera Flor de Altura']}")
    facts = page.locator("dl.facts").inner_text()
    assert "Perú" in facts and "1.240 familias" in facts and "Andina" in facts
    assert_accessible(page)

    # 6. Switch to English with the language links: the same page, in English.
    languages = page.get_by_role("navigation", name="Idioma")
    languages.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"lang=en"))
    assert page.locator("html").get_attribute("lang") == "en"
    facts = page.locator("dl.facts").inner_text()
    assert "Peru" in facts and "1,240 families" in facts and "Andean" in facts
    assert page.get_by_role("navigation", name="Language").get_by_text("English").is_visible()
    assert_accessible(page)

    # 7. The choice is remembered: back to the registry, still in English and still filtered.
    page.get_by_role("link", name="Member registry").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Member registry"
    assert_accessible(page)


def test_on_a_phone_without_javascript(phone_page_nojs, live_server):
    page = phone_page_nojs
    seed_registry(live_server)
    username = add_staff(live_server, "committee")

    # 1. The start page and the login page fit a 360 px screen.
    page.goto("/")
    assert_fits(page)
    page.goto("/login")
    assert_fits(page)

    # 2. Logging in works with plain HTML forms.
    login_staff(page, username, next_path="/organizations")
    assert page.get_by_role("heading", level=1).inner_text() == "Registro de miembros"

    # 3. The registry fits; its table scrolls inside its own box, not the page.
    assert_fits(page)
    wrap = page.locator(".table-wrap")
    assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")  # the table is wider: it scrolls
    assert wrap.evaluate("e => e.getBoundingClientRect().right") <= 360

    # 4. Filtering is a plain GET form.
    page.get_by_label("País", exact=True).select_option("CL")
    with page.expect_navigation():
        page.get_by_role("button", name="Filtrar").click()
    assert registry_names(page) == ["Cooperativa Frutícola de Curicó"]
    assert_fits(page)

    # 5. The organization's page fits.
    page.get_by_role("link", name="Cooperativa Frutícola de Curicó").click()
    assert "En mora" in page.locator("dl.facts").inner_text()
    assert_fits(page)

    # 6. Upload a CSV with one bad row: the good row is added, the bad line is shown with why.
    page.goto("/organizations/import")
    assert_fits(page)
    page.set_input_files("#file", files=[{
        "name": "registro.csv", "mimeType": "text/csv",
        "buffer": "name,country,members\nCooperativa Nueva,Perú,120\nSin número,Perú,muchos\n"
                  .encode()}])
    with page.expect_navigation():
        page.get_by_role("button", name="Importar").click()
    report = page.get_by_role("status")
    assert "1 añadidas, 0 actualizadas, 1 rechazadas." in report.inner_text()
    rows = report.locator("tbody tr")
    assert rows.count() == 1
    assert rows.locator("td").all_inner_texts() == [
        "3", "Miembros debe ser un número entero mayor o igual a 0, no muchos."]
    assert_fits(page)
    assert_accessible(page)  # checked on a copy of this page in a scripted browser


def test_keyboard_only_login_and_registry(desktop_page, live_server):
    page = desktop_page
    seed_registry(live_server)
    username = add_staff(live_server, "board")
    page.goto("/")

    # 1. The first Tab reaches the skip link, which shows itself when focused.
    page.keyboard.press("Tab")
    skip = assert_focus_visible(page)
    assert skip["href"] == "#main" and skip["focusVisible"]
    assert page.get_by_role("link", name="Saltar al contenido").is_visible()

    # 2. Tab to the header's login link and press Enter.
    tab_until(page, lambda e: e["tag"] == "a" and e["text"] == "Ingresar")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/login" in page.url

    # 3. Tab to the username, type it; Tab to the password, type it; Tab to the button; Enter.
    tab_until(page, lambda e: e["id"] == "username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    assert assert_focus_visible(page)["id"] == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    assert assert_focus_visible(page)["text"] == "Ingresar"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Su trabajo").is_visible()

    # 4. Tab to the member registry and open it.
    tab_until(page, lambda e: e["tag"] == "a" and e["text"] == "Registro de miembros")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Registro de miembros"

    # 5. Tab to the country filter, choose Perú with the arrow keys, Tab to Filtrar, Enter.
    tab_until(page, lambda e: e["id"] == "country")
    for _ in range(2):  # the options are "Todas", "Chile", "Perú"
        page.keyboard.press("ArrowDown")
    assert page.locator("#country").input_value() == "PE"
    tab_until(page, lambda e: e["tag"] == "button" and e["text"] == "Filtrar")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "country=PE" in page.url

    # 6. Tab to an organization and open it.
    tab_until(page, lambda e: e["tag"] == "a" and e["text"] == "Asociación de Bananeros del Chira")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Asociación de Bananeros del Chira"
