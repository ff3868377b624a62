"""The public archive: search in every language over the known positions, filters, timeline,
and what stays hidden."""

from __future__ import annotations

import pytest

from governance.archive import query
from governance.archive.search import ArchiveFilter, facets, highlight, search_archive, timeline
from governance.archive.services import public_motion
from governance.motions import content, services
from tests.factories_motions import ACTOR, load_example, make_motion, make_published

POSITIONS = {"GA-2010-03", "DEC-2011-01"}


def found(db, q, language="es", **filters):
    return search_archive(db, ArchiveFilter(q=q, **filters), language)


@pytest.mark.parametrize("q, language, titles", [
    ("plantations", "en", {
        "GA-2010-03": "No to the certification of plantations and of contract production in "
                      "Latin America and the Caribbean",
        "DEC-2011-01": "Letter to Fairtrade International (FLO) after Fair Trade USA's "
                       "departure"}),
    ("plantaciones", "es", {
        "GA-2010-03": "No a la certificación de plantaciones y de la producción por contrato en "
                      "América Latina y el Caribe",
        "DEC-2011-01": "Carta a Fairtrade International (FLO) tras la salida de Fair Trade "
                       "USA"}),
    ("contract production", "en", None),
    ('"contract production"', "en", None),
    ("producción por contrato", "es", None),
])
def test_known_positions_are_found_in_the_language_asked_with_their_dates(
        database, settings, q, language, titles):
    with database.transaction() as db:
        load_example(db, settings)
        page = found(db, q, language)
    by_code = {hit.code: hit for hit in page.hits}
    assert set(by_code) == POSITIONS
    assert {hit.language for hit in page.hits} == {language}
    assert (by_code["GA-2010-03"].motion.dated, by_code["DEC-2011-01"].motion.dated) == (
        "2010-11", "2011-09-22")
    assert (by_code["GA-2010-03"].year, by_code["DEC-2011-01"].year) == (2010, 2011)
    assert all(hit.status == "adopted" and hit.motion.historical for hit in page.hits)
    if titles:
        assert {code: hit.title for code, hit in by_code.items()} == titles


def test_a_search_in_one_language_shows_the_text_in_another(database, settings):
    with database.transaction() as db:
        load_example(db, settings)
        english = found(db, "plantaciones", "en")  # Spanish words, English reader
        portuguese = found(db, "plantations", "pt")  # no Portuguese text: the original
    assert {h.code: h.language for h in english.hits} == dict.fromkeys(POSITIONS, "en")
    assert {h.code: h.language for h in portuguese.hits} == dict.fromkeys(POSITIONS, "es")
    mandate = next(h for h in english.hits if h.code == "GA-2010-03")
    assert "119,761 farmers" in mandate.snippet


def test_accents_and_case_are_ignored(database, settings):
    with database.transaction() as db:
        load_example(db, settings)
        for q in ("PLANTACIÓN", "plantacion", "Certificación", "CERTIFICACION", "membresía"):
            assert found(db, q).total >= 1, q
        assert {h.code for h in found(db, "membresia").hits} == {"GA-2022-01"}


def test_the_2022_plan_shows_its_four_objectives(database, settings):
    with database.transaction() as db:
        load_example(db, settings)
        assert [h.code for h in found(db, "plan estratégico 2022").hits] == ["GA-2022-01"]
        assert [h.code for h in found(db, "markets North South", "en").hits] == ["GA-2022-01"]
        plan = public_motion(db, "GA-2022-01").motion
    assert (plan.kind, plan.status, plan.dated, plan.historical) == (
        "strategic_plan", "adopted", "2022-01", True)
    assert [(o.number, o.title_in("en"), o.outcome) for o in plan.objectives] == [
        (1, "Markets in the North and in the South", "adopted"),
        (2, "Empowerment of the membership through an integral offer of services", "adopted"),
        (3, "Positioning and advocacy for Fair Trade values and for responsible production "
            "and consumption", "adopted"),
        (4, "Organizational capacity of the network's structures and team", "adopted")]
    assert plan.objectives[0].title_in("es") == "Mercados en el Norte y en el Sur"


def test_drafts_are_never_in_the_archive(database, settings):
    with database.transaction() as db:
        make_motion(db, title="Plantaciones en borrador", code="SECRET-1")
        make_published(db, title="Plantaciones publicadas", code="OPEN-1")
        page = found(db, "plantaciones")
        assert [h.code for h in page.hits] == ["OPEN-1"]
        assert found(db, "").total == 1
        assert timeline(db, ArchiveFilter()) == [(page.hits[0].year, 1)]
        with pytest.raises(Exception, match="no motion"):
            public_motion(db, "SECRET-1")
        assert public_motion(db, "SECRET-1", staff=True).motion.status == "draft"


def test_filters_and_timeline(database, settings):
    with database.transaction() as db:
        load_example(db, settings)
        assert [h.code for h in found(db, "", year=2011).hits] == ["DEC-2011-01"]
        assert [h.code for h in found(db, "", kind="mandate").hits] == ["GA-2010-03"]
        assert {h.code for h in found(db, "", tag="plantaciones").hits} == POSITIONS
        assert [h.code for h in found(db, "", assembly="VIII Asamblea General, enero de 2022")
                .hits] == ["GA-2022-01"]
        assert found(db, "", status="rejected").total == 0
        # newest first without words
        assert [h.code for h in found(db, "").hits] == ["GA-2022-01", "DEC-2011-01",
                                                         "GA-2010-03"]
        assert timeline(db, ArchiveFilter()) == [(2010, 1), (2011, 1), (2022, 1)]
        assert timeline(db, ArchiveFilter(q="plantations", year=2010)) == [(2010, 1), (2011, 1)]
        choices = facets(db)
    assert choices["years"] == [2022, 2011, 2010]
    assert "producción por contrato" in choices["tags"]
    assert choices["assemblies"] == ["Asamblea General, noviembre de 2010",
                                     "VIII Asamblea General, enero de 2022"]


def test_translations_and_tags_are_searchable_and_reindexed(database):
    with database.transaction() as db:
        motion = make_published(db, code="POS-2026-01", title="Precios del café",
                                tags=["comercio justo"])
        assert found(db, "preços").total == 0
        content.set_text(db, motion.id, "pt", "Preços do café", "Texto em português", ACTOR)
        assert [h.language for h in found(db, "preços", "pt").hits] == ["pt"]
        assert found(db, "comercio justo").total == 1
        services.update_motion(db, motion.id, {"tags": ["miel"]}, ACTOR)
        assert found(db, "comercio").total == 0 and found(db, "miel").total == 1
        content.remove_text(db, motion.id, "pt", ACTOR)
        assert found(db, "preços").total == 0


def test_odd_queries_are_safe(database, settings):
    with database.transaction() as db:
        load_example(db, settings)
        for q in ('"', "AND OR NOT", "NEAR(a b)", "*", "col:plantations", "'; drop table x",
                  "a" * 500, "-plantations", "plantations OR"):
            found(db, q)  # never an error from the search syntax
        assert {h.code for h in found(db, "GA-2010-03").hits} == {"GA-2010-03"}


def test_query_parsing_and_highlight():
    terms = query.parse('Plantaciones "producción por contrato" de')
    assert terms.words == ("plantaciones", "de")
    assert terms.phrases == (("produccion", "por", "contrato"),)
    assert query.fts5_match(terms) == '"plantacion"* AND "de" AND "produccion por contrato"'
    assert str(highlight("Las plantaciones & <b>", terms)) == (
        "Las <mark>plantaciones</mark> &amp; &lt;b&gt;")
