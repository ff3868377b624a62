"""The OpenAPI document as the app publishes it, kept in `tests/web/openapi.json` so that a
change to the plumbing that alters the contract fails a test (tests/web/test_openapi_snapshot.py).

A deliberate change to the API (a new operation, a new field) rewrites the snapshot and lands
with it, so the diff shows the contract's change:

    .venv/bin/python -m tests.web.openapi_snapshot
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from governance.app import create_app
from governance.settings import Settings

SNAPSHOT = Path(__file__).with_name("openapi.json")


def current() -> dict[str, Any]:
    """The document the app serves (the database is never opened to build it)."""
    app = create_app(Settings(database_url="sqlite://", checkpoint_seconds=0))
    try:
        return app.state.openapi  # type: ignore[no-any-return]
    finally:
        app.state.database.dispose()


def dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    SNAPSHOT.write_text(dump(current()), encoding="utf-8")
    print(f"wrote {SNAPSHOT}")
