"""Hand-made forms: every page route that takes a POST gets forms built by hypothesis from the
field names our templates use, filled with hostile values, from a role it lets in. Whatever
arrives, the answer is a page or a redirect, never a 500 (schemathesis does the same for the
API)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from governance import errors
from governance.web.middleware import csrf_for_session
from tests.factories_security import log_in, make_world
from tests.web import security_matrix as matrix
from tests.web.test_security_matrix import LAST, endpoints, url

EXAMPLES = int(os.environ.get("ASAMBLEA_FORM_EXAMPLES", "8"))
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
FIELDS = sorted({name for page in TEMPLATES.rglob("*.html")
                 for name in re.findall(r'name="([a-z_]+)"', page.read_text())}
                - {"csrf_token"})
PREFERRED = ("admin", "delegate", "anonymous")


def values(world: Any) -> st.SearchStrategy[str]:
    ids = [str(v) for v in world.params.values() if isinstance(v, int)]
    return st.one_of(
        st.text(max_size=20),
        st.sampled_from(["", " ", "0", "-1", "1", "2147483648", "9" * 40, "yes", "no",
                         "abstain", "o1", "split", "on", "all", "unprinted", "closed",
                         "in_session", "bands", "2026-13-45T99:99", "0001-01-01T00:00",
                         "America/Nowhere", "=cmd|'/C calc'!A0", "<script>alert(1)</script>",
                         "1\n2\n3", "x" * 3000, *ids]),
    )


def forms(world: Any) -> st.SearchStrategy[dict[str, list[str]]]:
    return st.dictionaries(st.sampled_from(FIELDS), st.lists(values(world), min_size=1,
                                                             max_size=3), max_size=8)


def _fuzzer(world: Any, actor: Any, path: str, token: str, name: str,
            statuses: list[int]) -> Any:
    """Hypothesis posting hand-made forms to one route."""

    @given(form=forms(world))
    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None,
                         phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    def post(form: dict[str, list[str]]) -> None:
        response = actor.browser.post(path, data={**form, "csrf_token": token})
        assert response.status_code < 500, (name, form)
        statuses.append(response.status_code)

    return post


def test_hand_made_forms_never_get_a_server_error(app, client, database, settings):
    world = make_world(database, settings)
    actors = {role: log_in(app, role, world) for role in PREFERRED}
    actors["anonymous"].browser.get("/login")  # the browser's own form token, before login
    tokens = {role: csrf_for_session(a.browser.cookies.get("asamblea_session"))
              if role != "anonymous" else "" for role, a in actors.items()}
    posts = sorted([(name, route) for kind, name, method, route in endpoints(app)
                    if kind == "page" and method == "POST"], key=lambda p: p[0] in LAST)
    assert len(FIELDS) > 30
    failures: list[str] = []
    statuses: list[int] = []
    for name, route in posts:
        role = next(r for r in PREFERRED if r in matrix.PAGES[name])
        actor, path = actors[role], url("page", name, route, world)
        token = tokens[role] or actor.browser.cookies.get("asamblea_csrf") or ""

        try:
            _fuzzer(world, actor, path, token, name, statuses)()
        except AssertionError as exc:
            failures.append(str(exc)[:500])
    assert failures == []
    # the forms reached the views: hardly any was refused for its token
    assert statuses.count(403) < len(statuses) // 10, sorted(set(statuses))


def test_removing_an_attachment_holds_its_motion(app, client, database, settings):
    """Found by the fuzzing above: removing a motion's attachment failed with a 500 whenever
    the garbage collector freed the motion during the removal. Collecting on every allocation
    makes that certain instead of rare."""
    import gc

    from governance.motions import attachments

    world = make_world(database, settings)
    threshold = gc.get_threshold()
    gc.set_threshold(1, 1, 1)
    try:
        with database.transaction() as db:
            attachments.remove_attachment(db, world.motion_id, world.attachment_id, "staff:t")
    finally:
        gc.set_threshold(*threshold)
    with database.transaction(write=False) as db, pytest.raises(errors.NotFound):
        attachments.get_attachment(db, world.motion_id, world.attachment_id)
