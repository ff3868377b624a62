"""The credentials committee at the desk: accredit a delegate, print the sheets, check the
delegate in from the searchable list; then the delegate logs in with the printed credential."""

from __future__ import annotations

import io

from playwright.sync_api import expect
from pypdf import PdfReader

from governance.assemblies import services as assemblies
from governance.db import utcnow
from tests.browser.helpers import add_staff, assert_accessible, login_delegate, login_staff
from tests.factories import make_organization


def test_committee_accredits_prints_and_checks_in(new_page, live_server, tmp_path):
    with live_server.database.transaction() as db:
        organization = make_organization(db, name="Cooperativa Valle Verde", members=320)
        assembly = assemblies.create_assembly(db, {
            "title": "Asamblea Extraordinaria", "starts_at": utcnow().isoformat(),
            "weighting": {"scheme": "sqrt"}}, "staff:t", utcnow())
        assemblies.change_state(db, assembly.id, "accreditation", "staff:t", utcnow())
    desk = new_page(viewport="desktop")
    login_staff(desk, add_staff(live_server, "committee"))

    # 1. Accredit the delegate of an organization: the credential is shown once.
    desk.goto(f"/assemblies/{assembly.id}/delegates")
    assert_accessible(desk)
    desk.get_by_label("Organización", exact=True).select_option(value=str(organization.id))
    desk.get_by_label("Nombre completo").fill("Rosa Quispe")
    desk.get_by_role("button", name="Acreditar y mostrar la credencial").click()
    credential = desk.locator(".credential code").inner_text().strip()
    assert len(credential.replace("-", "")) >= 24
    assert_accessible(desk)

    # 2. Print the sheets of those without one: one PDF page for Rosa (fresh credential).
    desk.goto(f"/assemblies/{assembly.id}/credential-sheets")
    assert_accessible(desk)
    with desk.expect_download() as download:
        desk.get_by_role("button", name="Descargar el PDF").click()
    pdf = tmp_path / "sheets.pdf"
    download.value.save_as(pdf)
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    assert len(reader.pages) == 1 and "Rosa Quispe" in reader.pages[0].extract_text()

    # 3. Find her in the list and check her in.
    desk.goto(f"/assemblies/{assembly.id}/delegates")
    desk.get_by_label("Nombre, organización o credencial").fill("Rosa")
    desk.get_by_role("button", name="Buscar").click()
    desk.get_by_role("button", name="Registrar asistencia").first.click()
    expect(desk.get_by_role("button", name="Marcar salida")).to_have_count(1)
    assert_accessible(desk)

    # 4. The credential shown before printing no longer works; the printed one would.
    delegate_page = new_page(viewport="phone")
    delegate_page.goto("/login")
    delegate_page.locator("#credential").fill(credential)
    delegate_page.locator("#credential").press("Enter")
    assert "/login" in delegate_page.url
    with live_server.database.transaction(write=False) as db:
        rows = assemblies.list_delegates(db, assembly.id).rows
    assert rows[0].delegate.checked_in_at is not None


def test_delegate_logs_in_with_the_printed_credential(phone_page, live_server):
    with live_server.database.transaction() as db:
        organization = make_organization(db, members=50)
        assembly = assemblies.create_assembly(db, {
            "title": "Asamblea", "starts_at": utcnow().isoformat(),
            "weighting": {"scheme": "equal"}}, "staff:t", utcnow())
        assemblies.change_state(db, assembly.id, "accreditation", "staff:t", utcnow())
        issued = assemblies.issue_credential(db, live_server.settings, assembly.id,
                                             organization.id, "Juan Mamani", "staff:t", utcnow())
    login_delegate(phone_page, issued.credential)
    assert "Hola, Juan Mamani." in phone_page.inner_text("main")
    assert_accessible(phone_page)
