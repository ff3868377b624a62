"""Accessibility checks with axe-core, vendored in tests/browser/vendor (never fetched)."""

from __future__ import annotations

import weakref
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")

# Contexts opened with JavaScript disabled: axe cannot run in them (its promises never
# settle), so their pages are checked on a copy of their DOM in a scripted context.
_NO_SCRIPT: weakref.WeakSet[BrowserContext] = weakref.WeakSet()


def mark_no_script(context: BrowserContext) -> None:
    _NO_SCRIPT.add(context)


@cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Page, rules_off: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Every axe violation on the page as it is now (all impacts)."""
    if page.context in _NO_SCRIPT:
        return _on_scripted_copy(page, rules_off)
    # Evaluated through the DevTools protocol, so the page's Content-Security-Policy (which
    # forbids inline scripts without the nonce) does not block it.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    options: dict[str, Any] = {"resultTypes": ["violations"],
                               "rules": {rule: {"enabled": False} for rule in rules_off}}
    return page.evaluate(  # type: ignore[no-any-return]
        "async (options) => (await axe.run(document, options)).violations", options)


def _on_scripted_copy(page: Page, rules_off: tuple[str, ...]) -> list[dict[str, Any]]:
    html, url = page.content(), page.url
    browser = page.context.browser
    assert browser is not None
    context = browser.new_context(viewport=page.viewport_size)
    try:
        copy = context.new_page()
        copy.route(lambda address: address == url,
                   lambda route: route.fulfill(status=200, body=html,
                                               content_type="text/html; charset=utf-8"))
        copy.goto(url)
        return axe_violations(copy, rules_off)
    finally:
        context.close()


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}"
                     f" <{violation.get('helpUrl', '')}>")
        for node in violation["nodes"][:10]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())[:300]
            lines.append(f"    at {target}: {summary}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


def assert_accessible(page: Page, *, rules_off: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Fail on any axe violation of impact serious or critical; return the milder ones.

    `rules_off` turns rules off by id, for a reason written next to the call."""
    violations = axe_violations(page, rules_off)
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not failing, f"axe on {page.url} ({page.title()!r}):\n{describe(failing)}"
    return [v for v in violations if v["impact"] not in FAILING_IMPACTS]
