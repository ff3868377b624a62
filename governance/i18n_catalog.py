"""Extracting the messages to translate, and what each language still lacks, file by file.

    python -m governance.i18n_catalog            # `make messages`: a summary per language and file
    python -m governance.i18n_catalog --todo pt  # `make translations-todo`: .po entries to fill in

Besides `_`, `N_`, `gettext` and `ngettext`, the first argument of every domain exception is a
message id, so errors are translated like the rest.

Spanish is the reference: every message lives in one Spanish catalog file
(`governance/locale/es/<domain>.po`), and its translation into another language belongs in the
file of the same name under that language (`governance/locale/pt/<domain>.po`), so each domain's
catalogs grow without conflicts.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
REFERENCE = "es"
KEYWORDS: dict[str, object] = {
    **DEFAULT_KEYWORDS,
    "N_": None,
    **dict.fromkeys(["InvalidInput", "NotFound", "NotAuthenticated", "Forbidden", "Conflict",
                     "RateLimited", "PayloadTooLarge", "Busy", "DomainError", "CommandMessage"],
                    (1,)),
    "RowError": (2,),
}
METHODS = [
    ("governance/**.py", "python"),
    ("templates/**.html", "jinja2"),
]

# Messages whose translation may be missing from a catalog because it is the same text.
# (A catalog entry whose msgstr equals its msgid also counts as translated.)
IDENTICAL = {"Asamblea", "%(field)s: %(problem)s"}

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]")


def messages(root: Path = ROOT) -> Iterator[tuple[str, str, int]]:
    """(message id, file, line) for every translatable message in the code and templates."""
    for msgid, _plural, filename, lineno in _extracted(root):
        yield msgid, filename, lineno


@cache
def _extracted(root: Path) -> tuple[tuple[str, str | None, str, int], ...]:
    found = []
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(root), METHODS, options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords=KEYWORDS,  # type: ignore[arg-type]
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        plural = message[1] if isinstance(message, tuple) and len(message) > 1 else None
        if msgid and not filename.startswith(("tests", ".venv")):
            found.append((msgid, plural, filename, lineno))
    return tuple(found)


@dataclass(frozen=True)
class Entry:
    msgid: str
    plural: str | None
    translation: tuple[str, ...]  # one string, or one per plural form


def catalog_files(language: str) -> dict[str, dict[str, Entry]]:
    """The translated entries of each `.po` file of `language`, by file name (e.g. core.po).
    Empty and fuzzy entries are left out: they are not translations yet."""
    files: dict[str, dict[str, Entry]] = {}
    folder = LOCALE_DIR / language
    for path in sorted(folder.glob("**/*.po")):
        with path.open("rb") as po_file:
            catalog = read_po(po_file, locale=language)
        entries: dict[str, Entry] = {}
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings):
                continue
            msgid, plural = (message.id if isinstance(message.id, tuple)
                             else (message.id, None))
            entries[msgid] = Entry(msgid, plural, tuple(strings))
        files[path.relative_to(folder).as_posix()] = entries
    return files


@dataclass(frozen=True)
class Gap:
    """One message that `language` does not translate yet, and the file it belongs in."""

    language: str
    msgid: str
    plural: str | None
    catalog: str                 # e.g. governance/locale/pt/organizations.po
    sources: tuple[str, ...]     # where the message is used: "templates/x.html:12"
    reference: tuple[str, ...]   # its Spanish translation, to help the translator


def _guess_catalog(source: str) -> str:
    # A message not yet in any Spanish catalog goes to its domain's file: governance/polls/x.py
    # and templates/polls/x.html → polls.po; shared code and top-level templates → core.po.
    parts = Path(source).parts
    if len(parts) >= 3 and parts[0] in ("governance", "templates"):
        if parts[1] not in ("web", "auth", "audit", "errors"):
            return f"{parts[1]}.po"
    return "core.po"


def gaps(language: str) -> list[Gap]:
    """Every message of the code and templates that `language`'s catalogs do not translate."""
    translated: set[str] = set()
    for entries in catalog_files(language).values():
        translated.update(entries)
    home: dict[str, tuple[str, Entry]] = {}
    for name, entries in catalog_files(REFERENCE).items():
        for msgid, entry in entries.items():
            home.setdefault(msgid, (name, entry))
    sources: dict[str, list[str]] = defaultdict(list)
    plurals: dict[str, str | None] = {}
    for msgid, plural, filename, lineno in _extracted(ROOT):
        sources[msgid].append(f"{filename}:{lineno}")
        plurals[msgid] = plurals.get(msgid) or plural
    found = []
    for msgid, where in sources.items():
        if msgid in translated or msgid in IDENTICAL:
            continue
        name, entry = home.get(msgid, (_guess_catalog(where[0]), None))
        found.append(Gap(language, msgid, plurals[msgid],
                         f"governance/locale/{language}/{name}", tuple(where),
                         entry.translation if entry else ()))
    return sorted(found, key=lambda gap: (gap.catalog, gap.msgid))


def missing(language: str) -> list[tuple[str, str, int]]:
    """Messages of the code and templates that `language`'s catalogs do not translate, as
    (message id, first file using it, line)."""
    lacking = []
    for gap in gaps(language):
        filename, _colon, lineno = gap.sources[0].rpartition(":")
        lacking.append((gap.msgid, filename, int(lineno)))
    return lacking


def placeholder_mismatches(language: str) -> list[str]:
    """Catalog entries whose translation drops or invents a %(name)s placeholder."""
    problems = []
    for name, entries in catalog_files(language).items():
        for entry in entries.values():
            wanted = set(PLACEHOLDER.findall(entry.msgid))
            if entry.plural:
                wanted |= set(PLACEHOLDER.findall(entry.plural))
            for text in entry.translation:
                got = set(PLACEHOLDER.findall(text))
                # A singular form may leave out %(num)s ("one organization"); nothing else.
                if got - wanted or (wanted - got) - ({"num"} if entry.plural else set()):
                    problems.append(f"governance/locale/{language}/{name}: {entry.msgid!r} → "
                                    f"{text!r} (wants {sorted(wanted)}, has {sorted(got)})")
    return problems


def describe(found: list[Gap]) -> str:
    """Gaps grouped by the catalog file they belong in."""
    by_file: dict[str, list[Gap]] = defaultdict(list)
    for gap in found:
        by_file[gap.catalog].append(gap)
    lines = []
    for catalog, items in by_file.items():
        lines.append(f"{catalog} ({len(items)} missing):")
        lines += [f"    {gap.msgid!r}  (used in {gap.sources[0]})" for gap in items]
    return "\n".join(lines)


def _po_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def todo(found: list[Gap]) -> str:
    """The missing entries as .po text, grouped by file, with the Spanish as a hint."""
    by_file: dict[str, list[Gap]] = defaultdict(list)
    for gap in found:
        by_file[gap.catalog].append(gap)
    out = []
    for catalog, items in by_file.items():
        out.append(f"# ---- {catalog}: {len(items)} to translate")
        for gap in items:
            out.append("")
            if gap.reference:
                out.append("#. es: " + " | ".join(gap.reference))
            out.append("#: " + " ".join(gap.sources[:3]))
            if PLACEHOLDER.search(gap.msgid):
                out.append("#, python-format")
            out.append(f"msgid {_po_string(gap.msgid)}")
            if gap.plural:
                out.append(f"msgid_plural {_po_string(gap.plural)}")
                out += ['msgstr[0] ""', 'msgstr[1] ""']
            else:
                out.append('msgstr ""')
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    from governance.i18n import LANGUAGES

    parser = argparse.ArgumentParser(prog="python -m governance.i18n_catalog",
                                     description="What each language still lacks.")
    parser.add_argument("--todo", action="store_true",
                        help="print the missing entries as .po text to paste into each file")
    parser.add_argument("languages", nargs="*", help="languages (default: all but English)")
    args = parser.parse_args(argv)
    languages = args.languages or [code for code in LANGUAGES if code != "en"]
    total = len({msgid for msgid, *_rest in _extracted(ROOT)})
    for language in languages:
        found = gaps(language)
        if args.todo:
            print(todo(found) if found else f"# {language}: nothing to translate")
            continue
        state = "complete" if not found else f"{len(found)} missing"
        print(f"{language} ({LANGUAGES.get(language, '?')}): {total - len(found)} of {total} "
              f"messages translated, {state}")
        if found:
            print(describe(found))
        for problem in placeholder_mismatches(language):
            print(f"  placeholder mismatch: {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
