"""The four languages in a real browser: the browser's language is honoured, the language links
switch and are remembered, and every language's page passes the same accessibility checks."""

from __future__ import annotations

from tests.browser.helpers import add_staff, assert_accessible, assert_fits, login_staff
from tests.factories import make_organization


def test_a_visitor_reads_the_site_in_each_language(new_page, live_server):
    # 1. A browser set to Brazilian Portuguese gets the start page in Portuguese.
    page = new_page("phone", language="pt")
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "pt"
    assert page.get_by_role("link", name="Entrar").first.is_visible()
    assert_fits(page)
    assert_accessible(page)

    # 2. The language links switch to French, then Spanish, then English; each page says so.
    expected = {"Français": ("fr", "Se connecter"), "Español": ("es", "Ingresar"),
                "English": ("en", "Log in")}
    for label, (code, log_in) in expected.items():
        page.locator("nav.languages").get_by_role("link", name=label).click()
        page.wait_for_url(f"**lang={code}")
        assert page.locator("html").get_attribute("lang") == code
        assert page.get_by_role("link", name=log_in).first.is_visible()
        assert_fits(page)  # four language links still fit a 360 px header
        assert_accessible(page)

    # 3. The last choice is remembered over the browser's language.
    page.goto("/login")
    assert page.get_by_role("heading", level=1).inner_text() == "Log in"


def test_the_registry_in_french_writes_numbers_the_french_way(new_page, live_server):
    with live_server.database.transaction() as db:
        organization = make_organization(db, name="Coopérative des Planteurs de Baptiste",
                                         country="HT", members=1800)
    page = new_page("desktop", language="fr")
    login_staff(page, add_staff(live_server, "board"))

    # 1. The organization's page is in French: country name, numbers, kind of members.
    page.goto(f"/organizations/{organization.id}")
    facts = page.locator("dl.facts").inner_text()
    assert "Haïti" in facts and "1\u202f800 familles" in facts and "Caraïbes" in facts
    assert page.title() == "Coopérative des Planteurs de Baptiste · Asamblea"
    assert_accessible(page)
