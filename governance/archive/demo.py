"""Demo: the network's known positions, from the example file the import test also reads."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from governance.archive import exchange
from governance.settings import Settings

EXAMPLE = Path(__file__).resolve().parent / "data" / "clac-positions.json"


def seed(db: Session, settings: Settings) -> None:
    """Import the example positions; codes already present are left as they are."""
    document = exchange.parse_document(EXAMPLE.read_bytes())
    exchange.import_archive(db, settings, document, actor="demo")
