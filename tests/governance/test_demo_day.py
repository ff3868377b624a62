"""The demo's past assembly day: run through the floor, its results and minutes verify."""

from __future__ import annotations

import json

from sqlalchemy import select

from ballots.bundle import read_bundle
from ballots.minutes import package_zip_bytes, read_minutes, verify_minutes
from ballots.verify import verify_bundle
from governance import demo
from governance.assemblies.models import Assembly
from governance.floor.agenda import get_agenda
from governance.minutes import demo as day
from governance.minutes import services as minutes
from governance.polls.models import Poll
from governance.results import services as results
from tests.factories_polls import ensure_key


def test_the_past_day_is_complete_and_its_minutes_verify(database, settings, tmp_path):
    ensure_key(settings)
    with database.transaction() as db:
        demo.seed_registry(db)
        day.seed(db, settings)
        day.seed(db, settings)  # run twice: created once, reused after
    with database.transaction() as db:
        assemblies = list(db.scalars(select(Assembly).where(Assembly.title == day.TITLE)))
        assert len(assemblies) == 1 and assemblies[0].state == "closed"
        assembly_id = assemblies[0].id
        agenda = get_agenda(db, assembly_id)
        assert agenda.status == "adopted"
        assert [item.state for item in agenda.items] == ["done"] * 4
        polls = list(db.scalars(select(Poll).where(Poll.assembly_id == assembly_id)))
        assert [p.outcome[:8] for p in polls] == ["adopted", "adopted", "elected:"]
        assert json.loads(polls[1].result_json)["poll"]["rules"]["majority"] == "double"
        election = json.loads(polls[2].result_json)["election"]
        assert len(election["seats"]) == 7 and all(s["candidate"] for s in election["seats"])
        for poll in polls:
            path = tmp_path / f"poll-{poll.id}.zip"
            path.write_bytes(results.bundle_zip(db, settings, poll.id))
            assert verify_bundle(read_bundle(path)).ok
        package = minutes.package(db, settings, assembly_id)
    path = tmp_path / "acta.zip"
    path.write_bytes(package_zip_bytes(package))
    report = verify_minutes(read_minutes(path))
    assert report.ok, report.failed
    assert {c.name for c in report.checks} >= {"cosignature:presidencia",
                                              "cosignature:secretaria"}
