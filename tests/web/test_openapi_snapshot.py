"""The public contract does not move by accident: the OpenAPI document the app serves is the
one in tests/web/openapi.json (rewrite it deliberately with `python -m tests.web.openapi_snapshot`)."""

from __future__ import annotations

import json

from tests.web.openapi_snapshot import SNAPSHOT, dump


def test_the_served_document_is_the_snapshot(client):
    served = client.get("/api/v1/openapi.json").json()
    served["info"]["version"] = "snapshot"  # the package's version is not the contract
    kept = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    kept["info"]["version"] = "snapshot"
    # Compared as text so that a failure shows the changed lines.
    assert dump(served) == dump(kept), (
        "The OpenAPI document changed. If that is intended, rewrite the snapshot with "
        "`python -m tests.web.openapi_snapshot` and land it with the change.")
