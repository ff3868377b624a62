"""The archive's JSON format: the example file loads, an export round-trips through
`asamblea archive import` into an empty database with nothing lost, and bad files are refused
with one clear line."""

from __future__ import annotations

import contextvars
import json
from datetime import UTC, datetime

import pytest

from governance import errors, i18n, migrate
from governance.archive import exchange
from governance.db import Database
from governance.motions import attachments, content, services
from governance.settings import Settings
from tests.factories import make_organization
from tests.factories_motions import ACTOR, EXAMPLE, PDF, load_example, make_plan, make_published
from tests.test_cli import asamblea


def rich_archive(db, settings):
    """The example positions plus current motions with everything the format carries."""
    load_example(db, settings)
    org = make_organization(db, name="Cooperativa Flor de Altura", country="PE")
    t0 = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)
    parent = make_published(db, code="GA-2026-01", tags=["finanzas"], assembly_id=4,
                            assembly_name="XI Asamblea",
                            amendment_deadline=datetime(2026, 4, 1, tzinfo=UTC))
    content.set_text(db, parent.id, "fr", "Budget 2026", "Texte **en français**", ACTOR)
    services.amend_motion(db, parent.id, {"title": "Enmienda", "body": "Cambiar el monto",
                                          "submitter_organization_id": org.id}, ACTOR, now=t0)
    plan = make_plan(db, objectives=2, code="GA-2026-02")
    content.translate_objective(db, plan.id, 1, "en", "Objective one", "Body", ACTOR)
    services.publish_motion(db, plan.id, ACTOR)
    services.move_motion(db, plan.id, "on_agenda", ACTOR, assembly_name="XI Asamblea")
    services.move_motion(db, plan.id, "voted", ACTOR, note="Votación nominal")
    services.move_motion(db, plan.id, "adopted", ACTOR)
    content.record_objective_outcome(db, plan.id, 1, "adopted", 17, ACTOR)
    services.update_motion(db, plan.id, {"result_poll_id": 16, "outcome_note": "Aprobado"},
                           ACTOR)
    content.link_motions(db, plan.id, "supersedes", "GA-2022-01", ACTOR)
    content.link_motions(db, parent.id, "amends", "GA-2010-03", ACTOR)
    attachments.add_attachment(db, settings, plan.id, "plan.pdf", PDF, ACTOR)
    services.create_motion(db, {"code": "DRAFT-1", "kind": "position", "title": "Borrador"},
                           ACTOR)


def test_example_file_loads_as_historical_records(database, settings):
    with database.transaction() as db:
        report = load_example(db, settings)
        assert report.imported == ["GA-2010-03", "DEC-2011-01", "GA-2022-01"]
        again = load_example(db, settings)
        assert (again.imported, again.skipped) == ([], report.imported)
        mandate = services.get_motion_by_code(db, "GA-2010-03")
        assert mandate.historical and mandate.result_poll_id is None
        assert mandate.source_note.startswith("Resumen de las actas")
        assert [(h.to_status, h.at) for h in mandate.history] == [
            ("adopted", datetime(2010, 11, 1, tzinfo=UTC))]
        assert {t.language: t.is_original for t in mandate.texts} == {"es": True, "en": False}
        assert "119.761" in mandate.original.body and "119,761" in mandate.text("en").body


def test_export_round_trips_through_the_command_into_an_empty_database(
        database, settings, tmp_path):
    with database.transaction() as db:
        rich_archive(db, settings)
        first = exchange.export_archive(db)
    codes = [m["code"] for m in first["motions"]]
    assert "DRAFT-1" not in codes and len(codes) == 6
    (tmp_path / "archive.json").write_text(json.dumps(first, ensure_ascii=False))

    env = {"ASAMBLEA_DATA_DIR": str(settings.data_dir)}  # where the attachment is stored
    assert asamblea("db", "upgrade", cwd=tmp_path).returncode == 0
    result = asamblea("archive", "import", "archive.json", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "6 imported, 0 already in the archive."

    fresh = Database(f"sqlite:///{tmp_path / 'cli.db'}")
    try:
        with fresh.transaction() as db:
            second = exchange.export_archive(db)
    finally:
        fresh.dispose()
    first.pop("exported_at")
    second.pop("exported_at")
    for before, after in zip(first["motions"], second["motions"], strict=True):
        assert after == before, before["code"]
    assert second == first
    plan = next(m for m in second["motions"] if m["code"] == "GA-2026-02")
    assert plan["supersedes"] == ["GA-2022-01"] and plan["result_poll_id"] == 16
    assert plan["attachments"][0]["filename"] == "plan.pdf"
    amendment = next(m for m in second["motions"] if m["code"] == "GA-2026-01-A1")
    assert amendment["parent"] == "GA-2026-01"
    assert amendment["submitter"] == {"label": "Cooperativa Flor de Altura", "country": "PE"}

    again = asamblea("archive", "import", "archive.json", cwd=tmp_path, env=env)
    assert again.stdout.strip() == "0 imported, 6 already in the archive."


def test_import_links_submitters_to_the_registry_when_they_are_members(database, settings):
    document = json.loads(EXAMPLE.read_text())
    entry = document["motions"][0]
    entry.update(code="MOC-1", submitter={"label": "Miel del Sur", "country": "CL"})
    with database.transaction() as db:
        org = make_organization(db, name="Miel del Sur", country="CL")
        exchange.import_archive(db, settings, {**document, "motions": [entry]}, ACTOR)
        assert services.get_motion_by_code(db, "MOC-1").submitter_organization_id == org.id


@pytest.mark.parametrize("change, message", [
    ({"kind": "wish"}, "kind must be one of"),
    ({"status": "draft"}, "status"),
    ({"dated": "November 2010"}, "dated must be a date"),
    ({"parent": "NOWHERE-1"}, "It refers to NOWHERE-1"),
    ({"supersedes": ["GA-2010-03"]}, "cannot supersede or amend itself"),
    ({"result_poll_id": 3}, "A historical record has no ballots"),
    ({"texts": [{"language": "es", "title": "x", "original": False},
                {"language": "en", "title": "y"}]}, "original_language must be one of"),
    ({"unexpected": 1}, "Additional properties"),
])
def test_bad_records_reject_the_whole_file_with_the_reason(database, settings, change,
                                                            message):
    document = json.loads(EXAMPLE.read_text())
    document["motions"][0].update(change)
    if "original_language" not in change and "texts" in change:
        document["motions"][0].pop("original_language")
    def run() -> None:
        i18n.set_language("en")
        with database.transaction() as db:
            exchange.import_archive(db, settings, document, ACTOR)

    with pytest.raises(errors.InvalidInput) as caught:
        contextvars.copy_context().run(run)  # in English, without changing other tests' language
    assert message in str(caught.value)
    with database.transaction() as db:
        assert exchange.export_archive(db)["motions"] == []


def test_missing_attachment_files_are_reported_not_invented(database, tmp_path):
    document = json.loads(EXAMPLE.read_text())
    document["motions"][0]["attachments"] = [{"filename": "acta.pdf", "sha256": "ab" * 32}]
    other = Settings(database_url="sqlite://", data_dir=tmp_path / "empty")
    with database.transaction() as db:
        report = exchange.import_archive(db, other, document, ACTOR)
        assert services.get_motion_by_code(db, "GA-2010-03").attachments == []
    assert report.warnings and "acta.pdf" in report.warnings[0]


def test_embedded_attachments_are_checked_and_stored(database, settings):
    import base64
    import hashlib

    document = json.loads(EXAMPLE.read_text())
    good = {"filename": "acta.pdf", "sha256": hashlib.sha256(PDF).hexdigest(),
            "content_base64": base64.b64encode(PDF).decode()}
    document["motions"][0]["attachments"] = [good]
    with database.transaction() as db:
        exchange.import_archive(db, settings, document, ACTOR)
        assert services.get_motion_by_code(db, "GA-2010-03").attachments[0].size == len(PDF)
    document["motions"][0]["code"] = "OTHER-1"
    document["motions"][0]["attachments"] = [{**good, "content_base64":
                                              base64.b64encode(b"MZ not a pdf").decode()}]
    with pytest.raises(errors.InvalidInput), database.transaction() as db:
        exchange.import_archive(db, settings, {**document, "motions": document["motions"][:1]},
                                ACTOR)


def test_command_refuses_bad_files_in_one_line(tmp_path):
    assert asamblea("db", "upgrade", cwd=tmp_path).returncode == 0
    cases = {
        b"{not json": "The file is not valid JSON",
        b'{"format": "other/1", "motions": []}': "format",
        b'{"format": "asamblea.archive/1", "motions": [{"code": "X-1"}]}': "motions.0",
    }
    for raw, expected in cases.items():
        (tmp_path / "bad.json").write_bytes(raw)
        result = asamblea("archive", "import", "bad.json", cwd=tmp_path)
        assert result.returncode == 1
        assert len(result.stderr.strip().splitlines()) == 1 and expected in result.stderr
        assert "Traceback" not in result.stderr
    missing = asamblea("archive", "import", "nope.json", cwd=tmp_path)
    assert missing.returncode == 1 and missing.stderr.startswith("asamblea: cannot read")


def test_command_exports_what_it_imports(tmp_path):
    assert asamblea("db", "upgrade", cwd=tmp_path).returncode == 0
    assert asamblea("archive", "import", str(EXAMPLE), cwd=tmp_path).returncode == 0
    result = asamblea("archive", "export", "--out", "out.json", cwd=tmp_path)
    assert result.returncode == 0 and "3 motions" in result.stdout
    exported = json.loads((tmp_path / "out.json").read_text())
    assert [m["code"] for m in exported["motions"]] == ["GA-2010-03", "DEC-2011-01",
                                                        "GA-2022-01"]
    migrate.check(f"sqlite:///{tmp_path / 'cli.db'}")
