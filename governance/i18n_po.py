"""Writing a `.po` file from a mapping of English messages to their translation.

Used by `make messages` helpers and by contributors adding a language: catalogs stay plain
`.po` files that translators' tools read.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

Message = str | tuple[str, str]


def write_catalog(path: Path, language: str, translations: Mapping[Message, Message]) -> None:
    catalog = Catalog(locale=language, project="Asamblea", fuzzy=False)
    for msgid, msgstr in translations.items():
        catalog.add(msgid, msgstr)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po_file:
        write_po(po_file, catalog, width=100, omit_header=False, sort_output=True)
