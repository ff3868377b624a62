"""The checks the journeys rely on do catch what they are meant to catch."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from tests.browser.a11y import AXE
from tests.browser.helpers import (
    assert_accessible,
    assert_fits,
    assert_focus_visible,
    watch_problems,
)

BROKEN = """<!doctype html><html><head><title>broken</title></head><body>
<main><h1>Broken</h1><img src="/static/none.png">
<form><input id="nameless"><button type="submit" style="outline: none">Go</button></form>
<p style="color:#bbb;background:#fff">faint text</p>
<div style="width: 900px">too wide</div></main></body></html>"""


def test_the_vendored_axe_is_the_one_the_readme_names():
    readme = (AXE.parent / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256(AXE.read_bytes()).hexdigest()
    assert digest in readme
    version = re.search(r"axe v(\d+\.\d+\.\d+)", AXE.read_text(encoding="utf-8")[:200]).group(1)
    assert f"axe-core {version}" in readme
    assert Path(AXE.parent / "axe-core.LICENSE").read_text(encoding="utf-8").startswith(
        "Mozilla Public License")


@pytest.mark.parametrize("javascript", [True, False], ids=["scripted", "no-javascript"])
def test_the_checks_fail_on_a_broken_page(new_page, live_server, javascript):
    page = new_page("phone", javascript=javascript)
    page.route(live_server.url + "/broken",
               lambda route: route.fulfill(body=BROKEN, content_type="text/html"))
    page.goto("/broken")

    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    report = str(failure.value)
    for rule in ("image-alt", "label", "color-contrast", "html-has-lang"):
        assert rule in report
    assert "#nameless" in report  # the node is named, so it can be found

    with pytest.raises(AssertionError, match="900px|wide"):
        assert_fits(page)


def test_invisible_focus_is_caught(new_page, live_server):
    page = new_page("desktop")
    page.route(live_server.url + "/broken",
               lambda route: route.fulfill(body=BROKEN, content_type="text/html"))
    page.goto("/broken")
    page.keyboard.press("Tab")
    assert assert_focus_visible(page)["id"] == "nameless"  # Chromium's own outline
    page.keyboard.press("Tab")
    with pytest.raises(AssertionError, match="focus is invisible"):
        assert_focus_visible(page)


def test_script_errors_and_policy_violations_are_caught(browser, live_server):
    # Not through new_page: its own watcher would fail this test for the problems it provokes.
    context = browser.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        problems: list[str] = []
        watch_problems(page, problems)
        csp = "default-src 'self'; script-src 'self' 'nonce-abc'"
        body = ('<!doctype html><html lang="es"><title>x</title>'
                '<script>window.ok = 1</script>'
                '<script nonce="abc">throw new Error("broken on purpose")</script>')
        page.route(live_server.url + "/bad",
                   lambda route: route.fulfill(body=body, content_type="text/html",
                                               headers={"Content-Security-Policy": csp}))
        with page.expect_event("pageerror"), page.expect_event(
                "console", predicate=lambda message: "Content Security Policy" in message.text):
            page.goto("/bad")
        assert any("Content Security Policy" in problem for problem in problems), problems
        assert any("broken on purpose" in problem for problem in problems), problems
    finally:
        context.close()
