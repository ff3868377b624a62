"""Reading the member registry from a CSV file, as hostile input: every row is checked and every
rejected row is reported with its line number and the reason, in the file's own terms.

Spreadsheets in Spanish save CSV with semicolons and in Windows-1252; both are accepted.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from governance.i18n import N_
from governance.organizations.countries import REGION_OF, country_code
from governance.organizations.models import KINDS, REGIONS, STANDINGS

MAX_BYTES = 5_000_000
MAX_ROWS = 20_000
MAX_FIELD = 200
REQUIRED = ("name", "country", "members")
KNOWN = (*REQUIRED, "platform", "networks", "kind", "standing", "region")

KIND_WORDS = {
    "small_producer": "small_producer", "spo": "small_producer", "opp": "small_producer",
    "pequenos productores": "small_producer", "pequeños productores": "small_producer",
    "workers": "workers", "trabajadores": "workers", "workers_organization": "workers",
}
STANDING_WORDS = {
    "active": "active", "activa": "active", "activo": "active",
    "suspended": "suspended", "suspendida": "suspended", "suspendido": "suspended",
    "arrears": "arrears", "in arrears": "arrears", "en mora": "arrears", "morosa": "arrears",
}


@dataclass(frozen=True)
class OrganizationRow:
    line: int
    name: str
    country: str
    members: int
    platform: str | None = None
    region: str | None = None
    kind: str = "small_producer"
    standing: str = "active"
    networks: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowError:
    line: int
    message: str  # a message id, translated when shown
    params: dict[str, str] = field(default_factory=dict)


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not its rows)."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


def decode(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise ImportFileError(N_("The file is larger than %(limit)s bytes."), limit=MAX_BYTES)
    if b"\x00" in raw:
        raise ImportFileError(N_("This is not a CSV text file."))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def parse(raw: bytes) -> tuple[list[OrganizationRow], list[RowError]]:
    text = decode(raw)
    if not text.strip():
        raise ImportFileError(N_("The file is empty."))
    first_line = text.splitlines()[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error:
        raise ImportFileError(N_("The header row cannot be read.")) from None
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise ImportFileError(
            N_("The header row must name the columns %(columns)s; missing: %(missing)s."),
            columns=", ".join(REQUIRED), missing=", ".join(missing),
        )
    index = {name: header.index(name) for name in KNOWN if name in header}
    rows: list[OrganizationRow] = []
    problems: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    line = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(RowError(reader.line_num, N_("The line cannot be read: %(reason)s"),
                                     {"reason": str(exc)}))
            break
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(rows) + len(problems) >= MAX_ROWS:
            raise ImportFileError(N_("The file has more than %(limit)s rows."), limit=MAX_ROWS)
        result = parse_row(line, record, index)
        if isinstance(result, RowError):
            problems.append(result)
            continue
        key = (result.name.casefold(), result.country)
        if key in seen:
            problems.append(RowError(line, N_("Repeats the organization of line %(other)s."),
                                     {"other": str(seen[key])}))
            continue
        seen[key] = line
        rows.append(result)
    return rows, problems


def parse_row(line: int, record: list[str], index: dict[str, int]) -> OrganizationRow | RowError:
    def cell(name: str) -> str:
        position = index.get(name)
        return record[position].strip() if position is not None and position < len(record) else ""

    for name in index:
        if len(cell(name)) > MAX_FIELD:
            return RowError(line, N_("The column %(column)s is longer than %(limit)s characters."),
                            {"column": name, "limit": str(MAX_FIELD)})
    name = " ".join(cell("name").split())
    if not name:
        return RowError(line, N_("The name is empty."))
    if name[0] in "=+-@":
        # A name starting like a spreadsheet formula would run as one when the roll is exported.
        return RowError(line, N_("The name cannot start with %(char)s."), {"char": name[0]})
    country = country_code(cell("country"))
    if country is None:
        return RowError(line, N_("Unknown country %(country)s."), {"country": cell("country")})
    members_text = cell("members").replace(".", "").replace(",", "").replace(" ", "")
    if not members_text.isdigit():
        return RowError(line, N_("Members must be a whole number of at least 0, not %(value)s."),
                        {"value": cell("members")})
    members = int(members_text)
    if members > 10_000_000:
        return RowError(line, N_("Members must be at most 10,000,000."))
    kind = KIND_WORDS.get(cell("kind").lower(), "" if cell("kind") else "small_producer")
    if kind not in KINDS:
        return RowError(line, N_("Unknown kind %(value)s; use small_producer or workers."),
                        {"value": cell("kind")})
    standing = STANDING_WORDS.get(cell("standing").lower(), "" if cell("standing") else "active")
    if standing not in STANDINGS:
        return RowError(line, N_("Unknown standing %(value)s; use active, suspended or arrears."),
                        {"value": cell("standing")})
    region = cell("region").lower().replace(" ", "_") or REGION_OF.get(country)
    if region is not None and region not in REGIONS:
        return RowError(line, N_("Unknown region %(value)s."), {"value": cell("region")})
    networks = tuple(sorted({" ".join(n.split()) for n in re.split(r"[;|,]", cell("networks"))
                             if n.strip()}))
    return OrganizationRow(line, name, country, members, cell("platform") or None, region,
                           kind, standing, networks)
