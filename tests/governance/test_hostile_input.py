"""CSV files and ballot payloads treated as hostile, driven by hypothesis: whatever arrives,
the registry import and the ballot box answer with a reason or accept something well formed,
and never fail in another way."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from governance import errors
from governance.db import utcnow
from governance.organizations import importer
from governance.organizations import services as registry
from governance.organizations.countries import REGION_OF
from governance.organizations.models import Organization
from governance.polls import services as polls
from governance.polls.models import Ballot
from tests.factories_polls import assembly_in_session, open_poll

FAST = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# Cells an attacker or a careless spreadsheet would send: formulas, quotes, separators, line
# breaks, NULs and control characters, huge or negative numbers, other scripts, long text.
hostile_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["=cmd|' /C calc'!A0", "+1+1", "-2", "@SUM(A1)", '"quoted, ""twice""', "a;b",
                     "line\nbreak", "\x00nul", "\t\r", "Café ñandú", "ﷺ", "PE", "Perú", "xx",
                     "10.000", "1,5", "-5", "99999999999", "", " ", "activa", "en mora",
                     "workers", "Café;Miel"]),
    st.text(min_size=190, max_size=260),
)
good_row = st.fixed_dictionaries({
    "name": st.text(alphabet=st.characters(categories=["L", "N", "Zs"]), min_size=1,
                    max_size=40),
    "country": st.sampled_from(sorted(REGION_OF)),
    "members": st.integers(0, 10_000_000).map(str),
})
hostile_row = st.fixed_dictionaries({"name": hostile_text, "country": hostile_text,
                                     "members": hostile_text, "networks": hostile_text,
                                     "standing": hostile_text, "kind": hostile_text})


@st.composite
def csv_files(draw: Any) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    columns = draw(st.permutations(["name", "country", "members", "networks", "standing",
                                    "kind"]))
    rows = draw(st.lists(st.one_of(good_row, hostile_row), max_size=12))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    text = out.getvalue()
    if draw(st.booleans()):  # sometimes the file is damaged on top
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(st.text(max_size=10)) + text[cut:]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return text.encode(encoding, errors="replace")


@FAST
@given(raw=st.one_of(csv_files(), st.binary(max_size=300)))
def test_csv_import_reports_or_imports_and_never_fails_otherwise(database, raw):
    try:
        rows, rejected = importer.parse(raw)
    except importer.ImportFileError:
        event("file refused")
        return
    event(f"{len(rows)} rows read, {len(rejected)} rejected")
    lines = max(1, raw.count(b"\n") + raw.count(b"\r") + 1)
    for row in rows:
        assert row.name and row.name[0] not in "=+-@"  # no spreadsheet formula gets in
        assert len(row.name) <= importer.MAX_FIELD and "\x00" not in row.name
        assert row.country in REGION_OF and 0 <= row.members <= 10_000_000
    for problem in rejected:
        assert 1 <= problem.line <= lines
    with database.transaction() as db:
        report = registry.import_organizations(db, raw, actor="staff:tests")
        assert report.imported + report.updated == len(rows)
        stored = db.scalars(select(Organization)).all()
        assert all(o.name[0] not in "=+-@" for o in stored)
        db.rollback()


payload_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-3, 300), st.floats(allow_nan=False),
              st.sampled_from(["yes", "no", "abstain", "o1", "", "YES", "yes "])),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(["yes", "no", "abstain", "x"]),
                                            inner, max_size=4)),
    max_leaves=8,
)
payloads = st.one_of(
    st.dictionaries(st.sampled_from(["choice", "choices", "split", "organization_id", "seq",
                                     "voter"]), payload_values, max_size=3),
    st.builds(lambda c: {"choice": c}, st.sampled_from(["yes", "no", "abstain"])),
    st.builds(lambda y, n: {"split": {"yes": y, "no": n, "abstain": 10 - y - n}},
              st.integers(0, 10), st.integers(0, 10)),
)


@pytest.fixture
def ballot_box(database, settings):
    """One open poll (split votes and revotes allowed) and who may vote for whom."""
    with database.transaction() as db:
        session = assembly_in_session(db, settings, [10, 20], proxies=[(10, 0)])
        poll_id = open_poll(db, session.assembly_id, allow_split=True, allow_revote=True)
        foreign = assembly_in_session(db, settings, [10])
    own = session.delegations[0].organization_id
    proxy = next(iter(session.proxies))
    return {
        "poll_id": poll_id, "delegate_id": session.delegations[0].delegate_id,
        "now": utcnow(),
        "organizations": {"own": None, "proxy": proxy,
                          "other": session.delegations[1].organization_id,
                          "foreign": foreign.delegations[0].organization_id,
                          "missing": 2**31 - 1},
        "allowed": {"own": own, "proxy": proxy},
        "weights": {own: 10, proxy: 10},
    }


@FAST
@given(payload=payloads, organization=st.sampled_from(["own", "proxy", "other", "foreign",
                                                        "missing"]))
def test_any_ballot_payload_is_accepted_whole_or_refused_with_a_reason(
        database, ballot_box, payload, organization):
    world = ballot_box
    target = world["organizations"][organization]
    try:
        with database.transaction() as db:
            ballot = polls.cast_ballot(db, world["poll_id"], delegate_id=world["delegate_id"],
                                       organization_id=target, payload=dict(payload),
                                       now=world["now"])
            vote, voter = ballot.vote, ballot.organization_id
    except (errors.InvalidInput, errors.Forbidden, errors.Conflict) as refused:
        event(f"refused: {type(refused).__name__}")
        return
    event("accepted")
    assert organization in ("own", "proxy") and voter == world["allowed"][organization]
    weight = world["weights"][voter]
    if "choice" in vote:
        assert vote["choice"] in ("yes", "no", "abstain")
    else:
        assert set(vote["split"]) <= {"yes", "no", "abstain"}
        assert sum(vote["split"].values()) == weight and min(vote["split"].values()) >= 0
    with database.transaction(write=False) as db:
        seqs = list(db.scalars(select(Ballot.seq).where(Ballot.poll_id == world["poll_id"])
                               .order_by(Ballot.seq)))
    assert seqs == list(range(len(seqs)))


markdown_pieces = st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)", "![i](http://e/x.png)",
    "<a href=\"javascript:x\">a</a>", "<style>*{}</style>", "<iframe src=//e>", "**b**", "\n\n",
    "| a | b |\n|---|---|\n| <b onmouseover=x> | c |", "`<script>`", "<svg onload=x>",
    "[x](vbscript:msgbox)", "<form action=//e><input></form>", "&lt;script&gt;", "\x00",
])


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


@settings(max_examples=200, deadline=None, database=None)
@given(source=st.lists(st.one_of(markdown_pieces, st.text(max_size=20)), max_size=12).map(
    "".join))
def test_motion_markdown_never_carries_script_into_a_page(source):
    """Motion bodies are Markdown from the board, shown to the public archive: hostile. Only
    harmless elements come out, no event handler or style, and links go to http(s) or mail."""
    from governance.motions.markdown import ALLOWED_TAGS, render

    parser = _Elements()
    parser.feed(str(render(source)))
    for tag, attributes in parser.found:
        assert tag in ALLOWED_TAGS, tag
        for name, value in attributes:
            assert not name.startswith("on") and name != "style", (tag, name)
            if name == "href":
                assert urlsplit(value or "").scheme.lower() in ("", "http", "https",
                                                                "mailto"), value


def test_network_names_match_whatever_their_case_in_any_alphabet(database):
    """Found by schemathesis: SQLite's lower() knows only ASCII, so a second "ÑANDÚ" broke the
    unique network name with a 500 instead of joining the first."""
    from governance.organizations.models import ProductNetwork
    from tests.factories import make_organization

    with database.transaction() as db:
        make_organization(db, networks=["Ñandú"])
        other = make_organization(db)
        registry.update_organization(db, other.id, {"networks": ["ÑANDÚ", "ñandú", "Café"]})
        assert sorted(n.name for n in db.scalars(select(ProductNetwork))) == ["Café", "Ñandú"]
        assert [n.name for n in other.networks] == ["Café", "Ñandú"]
