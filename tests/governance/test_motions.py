"""Motions: drafting rules, the workflow with its dated steps, amendments and their deadline,
objectives, translations, links, attachments and the sanitized Markdown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from governance import errors
from governance.audit.models import AuditEvent
from governance.motions import attachments, content, services
from governance.motions.markdown import plain_text, render
from governance.motions.models import Motion
from tests.factories import make_organization
from tests.factories_motions import ACTOR, PDF, make_motion, make_plan, make_published


def test_create_normalizes_and_records(database):
    with database.transaction() as db:
        motion = make_motion(db, code=" ga-2026-07 ", tags=["Café", "café", " miel "],
                             language="pt", title="  Título   con  espacios ")
        assert (motion.code, motion.status, motion.original_language) == (
            "GA-2026-07", "draft", "pt")
        assert motion.tag_names == ["Café", "miel"]
        assert motion.original.title == "Título con espacios" and motion.original.is_original
        assert [(h.from_status, h.to_status, h.actor) for h in motion.history] == [
            (None, "draft", ACTOR)]
        assert motion.year == datetime.now(UTC).year
        actions = db.scalars(select(AuditEvent.action)).all()
        assert actions == ["motion.create"]


@pytest.mark.parametrize("fields, field", [
    ({"code": "GA 2010"}, "code"),
    ({"code": "GA--1"}, "code"),
    ({"kind": "wish"}, "kind"),
    ({"title": ""}, "title"),
    ({"language": "de"}, "language"),
    ({"dated": "2010-13"}, "dated"),
    ({"dated": "10/11/2010"}, "dated"),
    ({"tags": ["x" * 61]}, "tags"),
    ({"amendment_deadline": "2026-03-01T10:00"}, "amendment_deadline"),
    ({"submitter_organization_id": 999999}, "submitter_organization_id"),
])
def test_bad_fields_name_the_field(database, fields, field):
    with database.transaction() as db, pytest.raises(errors.InvalidInput) as caught:
        make_motion(db, **fields)
    assert caught.value.field == field


def test_codes_are_unique(database):
    with database.transaction() as db:
        make_motion(db, code="GA-2026-01")
        with pytest.raises(errors.Conflict):
            make_motion(db, code="ga-2026-01")


def test_member_organization_as_submitter(database):
    with database.transaction() as db:
        org = make_organization(db, name="Cooperativa Norandino", country="PE")
        motion = make_motion(db, submitter_organization_id=org.id)
        assert (motion.submitter, motion.submitter_country,
                motion.submitter_organization_id) == ("Cooperativa Norandino", "PE", org.id)


def test_workflow_records_each_dated_step_and_refuses_skips(database):
    t0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
    with database.transaction() as db:
        motion = make_motion(db)
        with pytest.raises(errors.Conflict):
            services.move_motion(db, motion.id, "voted", ACTOR)
        services.publish_motion(db, motion.id, ACTOR, now=t0)
        with pytest.raises(errors.InvalidInput) as caught:
            services.move_motion(db, motion.id, "on_agenda", ACTOR)
        assert caught.value.field == "assembly_name"
        services.move_motion(db, motion.id, "on_agenda", ACTOR, assembly_id=7,
                             assembly_name="XI Asamblea", now=t0 + timedelta(days=1))
        services.move_motion(db, motion.id, "voted", "staff:chair", now=t0 + timedelta(days=2))
        services.move_motion(db, motion.id, "adopted", "staff:chair", note="Por consenso",
                             now=t0 + timedelta(days=2, hours=1))
        assert motion.status == "adopted" and motion.assembly_id == 7
        assert motion.published_at == t0
        assert motion.dated == "2026-03-03"  # the day of the decision, since none was given
        assert [(h.from_status, h.to_status, h.actor) for h in motion.history] == [
            (None, "draft", ACTOR), ("draft", "published", ACTOR),
            ("published", "on_agenda", ACTOR), ("on_agenda", "voted", "staff:chair"),
            ("voted", "adopted", "staff:chair")]
        assert motion.history[-1].note == "Por consenso"
        with pytest.raises(errors.Conflict):
            services.move_motion(db, motion.id, "withdrawn", ACTOR)


@pytest.mark.parametrize("start", ["draft", "published", "on_agenda"])
def test_withdrawn_from_draft_published_or_agenda(database, start):
    with database.transaction() as db:
        motion = make_motion(db, assembly_name="XI Asamblea")
        path = {"draft": [], "published": ["published"],
                "on_agenda": ["published", "on_agenda"]}[start]
        for status in path:
            services.move_motion(db, motion.id, status, ACTOR)
        services.move_motion(db, motion.id, "withdrawn", ACTOR)
        assert motion.status == "withdrawn"


def test_wording_is_fixed_after_draft_but_the_record_can_be_completed(database):
    with database.transaction() as db:
        motion = make_published(db)
        with pytest.raises(errors.Conflict):
            services.update_motion(db, motion.id, {"title": "Otro"}, ACTOR)
        services.update_motion(db, motion.id, {"tags": ["café"], "dated": "2011-09-22",
                                               "result_poll_id": 12}, ACTOR)
        assert (motion.tag_names, motion.year, motion.result_poll_id) == (["café"], 2011, 12)


def test_amendments_are_voted_before_their_parent(database):
    with database.transaction() as db:
        org = make_organization(db)
        parent = make_published(db, code="GA-2026-05", assembly_name="XI Asamblea")
        first = services.amend_motion(db, parent.id, {
            "title": "Añadir un párrafo", "submitter_organization_id": org.id}, ACTOR)
        second = services.amend_motion(db, parent.id, {
            "title": "Quitar un párrafo", "submitter_organization_id": org.id}, ACTOR)
        assert (first.code, second.code) == ("GA-2026-05-A1", "GA-2026-05-A2")
        assert (first.status, first.parent_id, first.submitter) == (
            "published", parent.id, org.name)
        assert first.assembly_name == "XI Asamblea"
        services.move_motion(db, parent.id, "on_agenda", ACTOR)
        services.move_motion(db, first.id, "on_agenda", ACTOR)
        services.move_motion(db, first.id, "voted", ACTOR)
        services.move_motion(db, first.id, "rejected", ACTOR)
        with pytest.raises(errors.Conflict) as caught:
            services.move_motion(db, parent.id, "voted", ACTOR)
        assert caught.value.params["codes"] == "GA-2026-05-A2"
        assert parent.status == "on_agenda"
        services.move_motion(db, second.id, "withdrawn", ACTOR)
        services.move_motion(db, parent.id, "voted", ACTOR)
        assert parent.status == "voted"


def test_amendments_need_an_organization_an_open_parent_and_the_deadline(database):
    deadline = datetime(2026, 3, 1, 23, 59, tzinfo=UTC)
    with database.transaction() as db:
        org = make_organization(db)
        draft = make_motion(db)
        proposal = {"title": "Enmienda", "submitter_organization_id": org.id}
        with pytest.raises(errors.Conflict):
            services.amend_motion(db, draft.id, proposal, ACTOR)
        parent = make_published(db, amendment_deadline=deadline)
        with pytest.raises(errors.InvalidInput) as caught:
            services.amend_motion(db, parent.id, {"title": "Sin organización"}, ACTOR,
                                  now=deadline)
        assert caught.value.field == "submitter_organization_id"
        services.amend_motion(db, parent.id, proposal, ACTOR, now=deadline)
        with pytest.raises(errors.Conflict):
            services.amend_motion(db, parent.id, proposal, ACTOR,
                                  now=deadline + timedelta(minutes=1))
        amendment = db.scalar(select(Motion).where(Motion.parent_id == parent.id))
        with pytest.raises(errors.Conflict):
            services.amend_motion(db, amendment.id, proposal, ACTOR, now=deadline)


def test_strategic_plan_objectives_and_outcomes(database):
    with database.transaction() as db:
        empty = make_motion(db, kind="strategic_plan")
        with pytest.raises(errors.Conflict):
            services.publish_motion(db, empty.id, ACTOR)
        plan = make_plan(db, objectives=3)
        content.set_objective(db, plan.id, 2, "Objetivo dos, reformulado", "Con texto", ACTOR)
        content.translate_objective(db, plan.id, 2, "en", "Objective two", "With text", ACTOR)
        services.publish_motion(db, plan.id, ACTOR)
        with pytest.raises(errors.Conflict):
            content.set_objective(db, plan.id, 4, "Tarde", "", ACTOR)
        content.record_objective_outcome(db, plan.id, 2, "adopted", 31, ACTOR)
        assert [(o.number, o.title, o.outcome, o.poll_id) for o in plan.objectives] == [
            (1, "Objetivo 1", None, None), (2, "Objetivo dos, reformulado", "adopted", 31),
            (3, "Objetivo 3", None, None)]
        assert plan.objectives[1].title_in("en") == "Objective two"
        assert plan.objectives[1].title_in("fr") == "Objetivo dos, reformulado"
        assert "Objetivo dos, reformulado" in plan.original.search_text
        with pytest.raises(errors.InvalidInput):
            content.record_objective_outcome(db, plan.id, 1, "maybe", None, ACTOR)
        resolution = make_motion(db)
        with pytest.raises(errors.Conflict):
            content.set_objective(db, resolution.id, 1, "No", "", ACTOR)


def test_translations_are_marked_and_the_original_is_fixed_after_draft(database):
    with database.transaction() as db:
        motion = make_published(db, title="Sobre las plantaciones")
        content.set_text(db, motion.id, "en", "On plantations", "Text", ACTOR)
        content.set_text(db, motion.id, "fr", "Sur les plantations", "Texte", ACTOR)
        assert {t.language: t.is_original for t in motion.texts} == {
            "es": True, "en": False, "fr": False}
        assert motion.text("fr").title == "Sur les plantations"
        assert motion.text("pt").title == "Sobre las plantaciones"  # falls back to the original
        with pytest.raises(errors.Conflict):
            content.set_text(db, motion.id, "es", "Otro título", "", ACTOR)
        with pytest.raises(errors.Conflict):
            content.remove_text(db, motion.id, "es", ACTOR)
        content.remove_text(db, motion.id, "fr", ACTOR)
        assert [t.language for t in motion.texts] == ["en", "es"]


def test_supersedes_links_both_ways_and_no_circles(database):
    with database.transaction() as db:
        old = make_published(db, code="POS-2010-01")
        new = make_published(db, code="POS-2020-01")
        newer = make_published(db, code="POS-2024-01")
        content.link_motions(db, new.id, "supersedes", "pos-2010-01", ACTOR)
        content.link_motions(db, newer.id, "amends", "POS-2020-01", ACTOR)
        with pytest.raises(errors.Conflict):
            content.link_motions(db, new.id, "supersedes", "POS-2010-01", ACTOR)
        with pytest.raises(errors.Conflict):
            content.link_motions(db, old.id, "supersedes", "POS-2020-01", ACTOR)
        with pytest.raises(errors.InvalidInput):
            content.link_motions(db, old.id, "supersedes", "POS-2010-01", ACTOR)
        with pytest.raises(errors.NotFound):
            content.link_motions(db, old.id, "supersedes", "NOPE-1", ACTOR)
        found = services.detail(db, new)
        assert [m.code for m in found.supersedes] == ["POS-2010-01"]
        assert [m.code for m in found.amended_by] == ["POS-2024-01"]
        assert [m.code for m in services.detail(db, old).superseded_by] == ["POS-2020-01"]


def test_public_detail_hides_drafts_around_a_motion(database):
    with database.transaction() as db:
        old = make_published(db)
        draft = make_motion(db)
        content.link_motions(db, draft.id, "supersedes", old.code, ACTOR)
        assert [m.code for m in services.detail(db, old).superseded_by] == [draft.code]
        assert services.detail(db, old, public=True).superseded_by == []


def test_attachments_must_be_pdf_and_small(database, settings):
    with database.transaction() as db:
        motion = make_motion(db)
        attachment = attachments.add_attachment(db, settings, motion.id, "../../Acta nº 3.pdf",
                                                PDF, ACTOR)
        assert attachment.filename == "Acta no 3.pdf" and attachment.size == len(PDF)
        stored = attachments.stored_path(settings, attachment.sha256)
        assert stored.read_bytes() == PDF and stored.parent == settings.data_dir / "attachments"
        with pytest.raises(errors.Conflict):
            attachments.add_attachment(db, settings, motion.id, "again.pdf", PDF, ACTOR)
        with pytest.raises(errors.InvalidInput):
            attachments.add_attachment(db, settings, motion.id, "fake.pdf",
                                       b"<html><script>alert(1)</script>", ACTOR)
        with pytest.raises(errors.PayloadTooLarge):
            attachments.add_attachment(db, settings, motion.id, "big.pdf",
                                       PDF + b"0" * attachments.MAX_BYTES, ACTOR)
        attachments.remove_attachment(db, motion.id, attachment.id, ACTOR)
        assert motion.attachments == []


def test_markdown_is_rendered_and_sanitized():
    html = str(render("# Título\n\n**fuerte** <script>alert(1)</script> "
                      "[mal](javascript:alert(1)) [bien](https://example.org) "
                      '<img src=x onerror="alert(1)">'))
    assert "<h1>Título</h1>" in html and "<strong>fuerte</strong>" in html
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">bien</a>' in html
    assert plain_text("Una *palabra* y [un enlace](https://x.org)") == "Una palabra y un enlace"
