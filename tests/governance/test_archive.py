"""The public archive: search in every language over the known positions, filters, timeline,
and what stays hidden."""

from __future__ import annotations

import pytest

from governance.archive import query
from governance.archive import search as search_module
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


def test_a_word_finds_longer_words_titles_first_then_newest(database):
    """Each word matches by prefix on both databases (PostgreSQL found fewer motions than
    SQLite for common words when it matched stems only); titles holding the words first."""
    with database.transaction() as db:
        titled = make_published(db, code="A-1", title="Precios del café", dated="2012")
        older = make_published(db, code="A-2", title="Otra cosa", dated="2015",
                               body="Sobre el cafetal.")
        newer = make_published(db, code="A-3", title="Tercera", dated="2018",
                               body="Las CAFETERAS del salón.")
        make_published(db, code="A-4", title="Nada que ver", dated="2016", body="Miel.")
        page = found(db, "cafés")
        assert [h.code for h in page.hits] == [titled.code, newer.code, older.code]
        assert page.total == 3
        assert page.timeline == [(2012, 1), (2015, 1), (2018, 1)]
        in_2015 = found(db, "café", year=2015)
        assert ([h.code for h in in_2015.hits], in_2015.total) == ([older.code], 1)
        assert in_2015.timeline == page.timeline  # the chart shows every year of the search
        assert [h.code for h in found(db, "cafe", kind="mandate").hits] == []
        second = search_archive(db, ArchiveFilter(q="cafe"), "es", page=2, page_size=2)
        assert ([h.code for h in second.hits], second.total) == ([older.code], 3)


def test_words_are_split_where_sqlite_splits_them(database):
    """PostgreSQL's own parser keeps "GA-2010-03" as "ga", "-2010", "-03" and a host name as
    one word; both databases now split at punctuation."""
    with database.transaction() as db:
        motion = make_published(db, code="B-1", title="Referencias",
                                body="Ver fairtrade.net, la resolución GA-2010-03 y el 3,5 %.")
        for q in ("net", "fairtrade", "2010", "GA-2010-03", '"ga 2010 03"', "5", "resolucion"):
            assert [h.code for h in found(db, q).hits] == [motion.code], q
        for q in ("_", '"_"', "netx", "20100"):
            assert found(db, q).total == 0, q


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
    assert query.tsquery_text(terms) == (
        "'plantacion':* & 'de' & ('produccion' <-> 'por' <-> 'contrato')")
    assert query.tsquery_text(query.parse("don't a_b-c __")) == (
        "'don':* & 't' & ('a' <-> 'b':*) & 'c'")
    assert query.tsquery_text(query.parse("__ ¿?")) is None
    assert str(highlight("Las plantaciones & <b>", terms)) == (
        "Las <mark>plantaciones</mark> &amp; &lt;b&gt;")


@pytest.mark.parametrize("at", [0, 150, 990, 997, 1_000, 2_500, 4_900])
def test_the_snippet_shows_the_first_word_found_wherever_it_is(at):
    """Snippets fold the text one window at a time; a word across two windows is found too."""
    filler = "canción año éxito "
    before = (filler * (at // len(filler) + 1))[:at]
    source = before + "PLANTACIONES del sur " + "resto " * 900
    cut = search_module.snippet(source, query.parse("plantación"))
    assert "PLANTACIONES" in cut
    assert cut.startswith("…") == (at > search_module.SNIPPET // 3)
    assert len(cut) <= search_module.SNIPPET + 2
