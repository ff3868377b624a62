"""Extracting the messages to translate, for `make messages` and for the completeness test.

Besides `_`, `N_`, `gettext` and `ngettext`, the first argument of every domain exception is a
message id, so errors are translated like the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS: dict[str, object] = {
    **DEFAULT_KEYWORDS,
    "N_": None,
    **dict.fromkeys(["InvalidInput", "NotFound", "NotAuthenticated", "Forbidden", "Conflict",
                     "RateLimited", "PayloadTooLarge", "DomainError", "CommandMessage"], (1,)),
    "RowError": (2,),
}
METHODS = [
    ("governance/**.py", "python"),
    ("templates/**.html", "jinja2"),
]


def messages(root: Path = ROOT) -> Iterator[tuple[str, str, int]]:
    """(message id, file, line) for every translatable message in the code and templates."""
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(root), METHODS, options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords=KEYWORDS,  # type: ignore[arg-type]
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid and not filename.startswith(("tests", ".venv")):
            yield msgid, filename, lineno


def missing(language: str) -> list[tuple[str, str, int]]:
    """Messages of the code and templates that `language`'s catalogs do not translate."""
    from governance.i18n import translations

    catalog = translations(language)
    lacking = []
    for msgid, filename, lineno in messages():
        if catalog.gettext(msgid) == msgid and msgid not in IDENTICAL:
            lacking.append((msgid, filename, lineno))
    return lacking


# Messages whose translation is the same text.
IDENTICAL = {"Asamblea", "%(field)s: %(problem)s", "No"}


if __name__ == "__main__":
    from governance.i18n import LANGUAGES

    for language in LANGUAGES:
        if language == "en":
            continue
        for msgid, filename, lineno in missing(language):
            print(f"{language}\t{filename}:{lineno}\t{msgid}")
