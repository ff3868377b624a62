"""The public, without logging in, searches the archive and reads the 2010 mandate in Spanish
and in English; the 2022 strategic plan shows its four objectives."""

from __future__ import annotations

from tests.browser.helpers import assert_accessible, assert_fits
from tests.factories_motions import load_example


def test_public_searches_and_reads_the_2010_mandate(phone_page, live_server):
    page = phone_page
    with live_server.database.transaction() as db:
        load_example(db, live_server.settings)
    # 1. The archive's search box, on a phone, in Spanish.
    page.goto("/archive")
    assert_accessible(page)
    page.get_by_label("Palabras").fill("plantaciones")
    page.get_by_role("button", name="Buscar").click()
    results = page.inner_text("main")
    assert "GA-2010-03" in results and "DEC-2011-01" in results
    assert_fits(page)
    # 2. The mandate, in Spanish (its original), with its date.
    page.get_by_role("link", name="GA-2010-03").first.click()
    spanish = page.inner_text("main")
    assert "noviembre de 2010" in spanish and "plantaciones" in spanish.lower()
    assert_accessible(page)
    # 3. The same mandate in English, from the translations switcher.
    page.get_by_role("link", name="English").first.click()
    english = page.inner_text("main")
    assert "plantations" in english.lower() and "contract production" in english.lower()
    assert page.locator("h1").get_attribute("lang") == "en"
    assert_accessible(page)


def test_the_2022_plan_shows_its_four_objectives(desktop_page, live_server):
    page = desktop_page
    with live_server.database.transaction() as db:
        load_example(db, live_server.settings)
    page.goto("/archive/GA-2022-01")
    assert page.locator("ol.objectives > li").count() == 4
    assert_accessible(page)
