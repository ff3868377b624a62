"""Error pages in a real browser: a person who lands on one is told what happened and where to
go next, in their language, on any screen, with nothing an assistive technology stumbles on."""

from __future__ import annotations

from tests.browser.helpers import add_staff, assert_accessible, assert_fits, login_staff


def test_a_missing_page_is_accessible_and_helpful(phone_page, live_server):
    page = phone_page

    # 1. A mistyped address answers 404 with a page that says so, in Spanish.
    response = page.goto("/organizaciones/no-existe")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Página no encontrada"
    assert page.title() == "Página no encontrada · Asamblea"  # the tab says it too
    assert "mal escrita" in page.locator("main").inner_text()
    assert_fits(page)
    assert_accessible(page)

    # 2. It offers the way forward: the start page, and logging in for someone not logged in.
    assert page.get_by_role("link", name="Ingresar").first.is_visible()
    page.get_by_role("link", name="Ir a la página de inicio").click()
    assert page.url == live_server.url + "/"

    # 3. The same page in English when the person asks for English.
    response = page.goto("/no/such/page?lang=en")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page)


def test_a_refused_page_is_accessible_and_helpful(desktop_page, live_server):
    page = desktop_page
    username = add_staff(live_server, "auditor")
    login_staff(page, username)

    # 1. An auditor may read the registry but not import into it: 403, explained.
    response = page.goto("/organizations/import")
    assert response is not None and response.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "No permitido"
    assert page.title() == "No permitido · Asamblea"
    main = page.locator("main").inner_text()
    assert "Su rol no permite esto" in main and "secretaría" in main
    assert f"Ingresó como {username}." in main  # who they are, in case they used another account
    assert_accessible(page)

    # 2. A missing organization, logged in, is a 404 that does not offer to log in again.
    response = page.goto("/organizations/424242")
    assert response is not None and response.status == 404
    assert page.get_by_role("main").get_by_role("link", name="Ingresar").count() == 0
    assert_accessible(page)

    # 3. From the refusal, the start page is one click away.
    page.goto("/organizations/import")
    page.get_by_role("link", name="Ir a la página de inicio").click()
    assert page.get_by_role("heading", name="Su trabajo").is_visible()
