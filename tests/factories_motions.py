"""Plain functions that make motions and archives for tests."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from governance.archive import exchange
from governance.motions import content, services
from governance.motions.models import Motion
from governance.settings import Settings

_numbers = itertools.count(1)
ACTOR = "staff:tester"
EXAMPLE = Path(__file__).resolve().parent.parent / "governance/archive/data/clac-positions.json"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def make_motion(db: Session, **fields: Any) -> Motion:
    n = next(_numbers)
    values: dict[str, Any] = {"code": f"T-{n}", "kind": "resolution", "title": f"Moción {n}",
                              "body": "Texto de la moción."}
    values.update(fields)
    return services.create_motion(db, values, ACTOR)


def make_published(db: Session, **fields: Any) -> Motion:
    motion = make_motion(db, **fields)
    return services.publish_motion(db, motion.id, ACTOR)


def make_plan(db: Session, objectives: int = 2, **fields: Any) -> Motion:
    motion = make_motion(db, kind="strategic_plan", **fields)
    for number in range(1, objectives + 1):
        content.set_objective(db, motion.id, number, f"Objetivo {number}", "", ACTOR)
    return motion


def load_example(db: Session, settings: Settings) -> exchange.ImportReport:
    document = exchange.parse_document(EXAMPLE.read_bytes())
    return exchange.import_archive(db, settings, document, ACTOR)
