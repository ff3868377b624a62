"""Every message shown to people is translated into every language of the interface, with the
same placeholders; numbers and dates follow each language's conventions."""

from datetime import UTC, date, datetime

import pytest

from governance import i18n
from governance.i18n_catalog import catalog_files, describe, gaps, main, placeholder_mismatches

TRANSLATED = [code for code in i18n.LANGUAGES if code != "en"]  # messages are written in English


def test_the_interface_speaks_four_languages():
    assert list(i18n.LANGUAGES) == ["es", "en", "pt", "fr"]


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language):
    lacking = gaps(language)
    assert lacking == [], (
        f"{len(lacking)} messages lack a translation into {i18n.LANGUAGES[language]} "
        f"(`make translations-todo` prints them as .po entries):\n" + describe(lacking))


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_their_placeholders(language):
    assert placeholder_mismatches(language) == []


@pytest.mark.parametrize("language", ["pt", "fr"])
def test_each_catalog_file_mirrors_the_spanish_one(language):
    # A domain's messages are translated in the file of the same name as its Spanish catalog.
    assert set(catalog_files(language)) >= set(catalog_files("es"))


def test_the_report_names_the_file_to_fill_in(capsys, monkeypatch):
    from governance import i18n_catalog

    real = i18n_catalog.catalog_files
    # French as if its core catalog lost two entries.
    def without_two(language):
        files = real(language)
        if language == "fr":
            files = {name: dict(list(entries.items())[2:]) if name == "core.po" else entries
                     for name, entries in files.items()}
        return files

    monkeypatch.setattr(i18n_catalog, "catalog_files", without_two)
    lacking = gaps("fr")
    assert [gap.catalog for gap in lacking] == ["governance/locale/fr/core.po"] * 2
    assert all(gap.reference for gap in lacking)  # the Spanish is shown as a hint
    main(["fr"])
    assert "2 missing" in capsys.readouterr().out
    main(["--todo", "fr"])
    out = capsys.readouterr().out
    assert "# ---- governance/locale/fr/core.po: 2 to translate" in out
    assert out.count('msgstr ""') == 2


@pytest.mark.parametrize(("language", "number", "percent", "big"), [
    ("es", "1.240", "12,5\u00a0%", "100.000"),
    ("en", "1,240", "12.5%", "100,000"),
    ("pt", "1.240", "12,5%", "100.000"),
    ("fr", "1\u202f240", "12,5\u00a0%", "100\u202f000"),
])
def test_numbers_and_weights_follow_the_language(language, number, percent, big):
    i18n.set_language(language)
    try:
        assert i18n.format_number(1240) == number        # members, weights
        assert i18n.format_number(100_000) == big        # the weight of a large roll
        assert i18n.format_number(7) == "7"
        assert i18n.format_percent(0.125) == percent
        assert i18n.format_percent(0.5, 0) == percent.replace("12,5", "50").replace("12.5", "50")
    finally:
        i18n.set_language(i18n.DEFAULT_LANGUAGE)


@pytest.mark.parametrize(("language", "day", "moment"), [
    ("es", "21 de noviembre de 2026", "21 nov 2026, 18:30:00"),
    ("en", "November 21, 2026", "Nov 21, 2026, 6:30:00\u202fPM"),
    ("pt", "21 de novembro de 2026", "21 de nov. de 2026 18:30:00"),
    ("fr", "21 novembre 2026", "21 nov. 2026, 18:30:00"),
])
def test_dates_follow_the_language_and_the_time_zone(language, day, moment):
    i18n.set_language(language)
    try:
        assert i18n.format_date(date(2026, 11, 21)) == day
        # 23:30 UTC is 18:30 in Lima
        shown = i18n.format_datetime(datetime(2026, 11, 21, 23, 30, tzinfo=UTC), "America/Lima")
        assert shown == moment
    finally:
        i18n.set_language(i18n.DEFAULT_LANGUAGE)


@pytest.mark.parametrize(("language", "expected"), [
    ("pt", "%(num)s organizações"), ("fr", "%(num)s organisations")])
def test_plurals_follow_the_language(language, expected):
    i18n.set_language(language)
    try:
        assert i18n.ngettext("%(num)s organization", "%(num)s organizations", 3) == \
            expected % {"num": 3}
        one = i18n.ngettext("%(num)s organization", "%(num)s organizations", 1)
        assert one == expected.replace("ões", "ão").replace("tions", "tion") % {"num": 1}
    finally:
        i18n.set_language(i18n.DEFAULT_LANGUAGE)


@pytest.mark.parametrize(("accept", "language"), [
    ("pt-BR,pt;q=0.9", "pt"), ("fr-FR,fr;q=0.9,en;q=0.5", "fr"), ("de-DE", "es")])
def test_browsers_get_their_language(accept, language):
    assert i18n.negotiate(None, None, accept) == language
