"""Every page of the floor, the elections and the minutes on a 360 px phone without
JavaScript: nothing scrolls sideways and axe finds no serious violation. The data is the
demo's past assembly day (agenda, speakers, amendment, election, signed minutes)."""

from __future__ import annotations

from sqlalchemy import select

from governance import demo
from governance.assemblies.models import Assembly
from governance.elections.models import Election
from governance.floor.models import AgendaItem
from governance.minutes import demo as day
from tests.browser.helpers import add_staff, assert_accessible, assert_fits, login_staff
from tests.factories_polls import ensure_key


def test_new_pages_fit_a_phone_without_javascript(live_server, new_page):
    ensure_key(live_server.settings)
    with live_server.database.transaction() as db:
        demo.seed_registry(db)
        day.seed(db, live_server.settings)
        assembly = db.scalar(select(Assembly.id).where(Assembly.title == day.TITLE))
        item = db.scalar(select(AgendaItem.id).where(AgendaItem.assembly_id == assembly))
        election = db.scalar(select(Election.id).where(Election.assembly_id == assembly))
    phone = new_page(viewport="phone", javascript=False)
    login_staff(phone, add_staff(live_server, "board"))
    for path in (f"/assemblies/{assembly}/agenda", f"/agenda-items/{item}/speakers",
                 f"/assemblies/{assembly}/floor/projector", f"/assemblies/{assembly}/elections",
                 f"/elections/{election}", f"/assemblies/{assembly}/minutes",
                 f"/assemblies/{assembly}/edit", "/minutes", f"/minutes/{assembly}"):
        phone.goto(path)
        assert_fits(phone)
        assert_accessible(phone)
