"""The member registry: CSV import as hostile input, create/update rules, filters."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from governance import errors
from governance.organizations import services
from governance.organizations.models import Organization
from tests.factories import make_organization


def registry_csv(rows: int, bad_lines: dict[int, str]) -> bytes:
    """A CSV with `rows` data rows; rows at the given file line numbers replaced by bad ones."""
    lines = ["name,country,platform,networks,members,kind,standing"]
    countries = ["Perú", "Colombia", "MX", "Guatemala", "Haití", "Brasil"]
    for i in range(rows):
        line_number = i + 2
        lines.append(bad_lines.get(
            line_number,
            f"Cooperativa {i},{countries[i % 6]},Plataforma {i % 6},Café;Miel,{i * 7},"
            f"{'workers' if i % 10 == 0 else 'small_producer'},{'active' if i % 4 else 'arrears'}",
        ))
    return ("\n".join(lines) + "\n").encode()


def test_import_of_300_rows_with_3_bad_ones_keeps_297_and_names_the_lines(database):
    raw = registry_csv(300, {
        10: "Cooperativa sin país,Atlantis,,,12,,",
        150: "Cooperativa negativa,Perú,,,-4,,",
        301: ",Perú,,,4,,",
    })
    with database.transaction() as db:
        report = services.import_organizations(db, raw)
    assert (report.imported, report.updated) == (297, 0)
    assert [(r.line, r.message) for r in report.rejected] == [
        (10, "Unknown country %(country)s."),
        (150, "Members must be a whole number of at least 0, not %(value)s."),
        (301, "The name is empty."),
    ]
    with database.transaction(write=False) as db:
        assert db.scalar(select(func.count()).select_from(Organization)) == 297
        coop = db.scalar(select(Organization).where(Organization.name == "Cooperativa 1"))
        assert coop is not None
        assert (coop.country, coop.region, coop.members) == ("CO", "andean", 7)
        assert [n.name for n in coop.networks] == ["Café", "Miel"]


def test_rows_matched_by_name_and_country_are_updated_not_duplicated(database):
    with database.transaction() as db:
        make_organization(db, name="Cooperativa Flor", country="PE", members=10)
    raw = "name;country;members;standing\nCooperativa Flor;Peru;25;en mora\n".encode("cp1252")
    with database.transaction() as db:
        report = services.import_organizations(db, raw)
    assert (report.imported, report.updated, report.rejected) == (0, 1, [])
    with database.transaction(write=False) as db:
        flor = db.scalar(select(Organization).where(Organization.name == "Cooperativa Flor"))
        assert flor is not None and (flor.members, flor.standing) == (25, "arrears")


def test_spanish_spreadsheet_export_is_read(database):
    raw = "Name;Country;Members\nAsociación Ñandú;Perú;1.250\n".encode("cp1252")
    with database.transaction() as db:
        report = services.import_organizations(db, raw)
    assert report.imported == 1
    with database.transaction(write=False) as db:
        assert db.scalar(select(Organization.members)) == 1250
        assert db.scalar(select(Organization.name)) == "Asociación Ñandú"


@pytest.mark.parametrize(("raw", "message"), [
    (b"", "The file is empty."),
    (b"name,members\nA,3\n", "The header row must name the columns"),
    (b"\x00\x01binary", "This is not a CSV text file."),
])
def test_unreadable_files_are_refused_whole(database, raw, message):
    with database.transaction() as db, pytest.raises(errors.InvalidInput) as caught:
        services.import_organizations(db, raw)
    assert str(caught.value).startswith(message)


def test_repeated_and_formula_rows_are_rejected(database):
    raw = b"name,country,members\nA,PE,1\nA,Peru,2\n=HYPERLINK(1),PE,3\n"
    with database.transaction() as db:
        report = services.import_organizations(db, raw)
    assert report.imported == 1
    assert [r.line for r in report.rejected] == [3, 4]


def test_create_refuses_duplicates_and_bad_fields(database):
    with database.transaction() as db:
        make_organization(db, name="Unica", country="CL")
    with database.transaction() as db, pytest.raises(errors.Conflict):
        services.create_organization(db, {"name": "Unica", "country": "Chile", "members": 1})
    with database.transaction() as db, pytest.raises(errors.InvalidInput) as caught:
        services.create_organization(db, {"name": "Otra", "country": "CL", "members": -1})
    assert caught.value.field == "members"


def test_filters_by_country_platform_network_standing_and_name(database):
    with database.transaction() as db:
        make_organization(db, name="Cafe Norte", country="PE", platform="CNC", networks=["Café"])
        make_organization(db, name="Miel Sur", country="CL", networks=["Miel"],
                          standing="suspended")
        make_organization(db, name="Cafe Sur", country="CL", networks=["Café"])
    with database.transaction(write=False) as db:
        def names(**kw):
            page = services.list_organizations(db, services.RegistryFilter(**kw))
            return [o.name for o in page.organizations]

        assert names(country="CL") == ["Cafe Sur", "Miel Sur"]
        assert names(platform="CNC") == ["Cafe Norte"]
        assert names(network="Café") == ["Cafe Norte", "Cafe Sur"]
        assert names(standing="suspended") == ["Miel Sur"]
        assert names(q="sur") == ["Cafe Sur", "Miel Sur"]
        assert names(q="100%_") == []
