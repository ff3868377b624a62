"""What journeys do again and again: make accounts, log in, check layout and focus."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.browser.a11y import assert_accessible
from tests.factories import PASSWORD, make_staff

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.server import LiveServer

__all__ = ["PASSWORD", "add_staff", "assert_accessible", "assert_fits", "assert_focus_visible",
           "focused", "login_delegate", "login_staff", "tab_until", "watch_problems"]


def watch_problems(page: Page, problems: list[str]) -> None:
    """Collect into `problems` what a page must never do: throw a JavaScript error, or run
    into the Content-Security-Policy (an inline script or style without the nonce)."""
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on("console", lambda message: problems.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text else None)


def add_staff(server: LiveServer, role: str, username: str | None = None) -> str:
    """A staff account of `role` in the served database; its password is PASSWORD."""
    with server.database.transaction() as db:
        return make_staff(db, server.settings, role, username).username


def login_staff(page: Page, username: str, password: str = PASSWORD, next_path: str = "") -> None:
    """Log in through the login page as a person would: type, then press Enter."""
    page.goto("/login" + (f"?next={next_path}" if next_path else ""))
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    with page.expect_navigation():
        page.locator("#password").press("Enter")
    assert "/login" not in page.url, f"login failed: {error_text(page)}"


def login_delegate(page: Page, credential: str) -> None:
    """A delegate types the credential from the sheet into the login page, then Enter."""
    page.goto("/login")
    page.locator("#credential").fill(credential)
    with page.expect_navigation():
        page.locator("#credential").press("Enter")
    assert "/login" not in page.url, f"login failed: {error_text(page)}"


def error_text(page: Page) -> str:
    alerts = page.locator("[role=alert]")
    return " / ".join(alerts.all_inner_texts()) if alerts.count() else "(no message shown)"


_OVERFLOWING = """(width) => {
  const out = [];
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.right > width + 1 && !element.closest('.table-wrap')) {
      out.push(element.tagName.toLowerCase() + (element.id ? '#' + element.id : '') +
               (element.className && typeof element.className === 'string'
                  ? '.' + element.className.trim().split(/\\s+/).join('.') : '') +
               ' right=' + Math.round(box.right));
    }
  }
  return out.slice(0, 8);
}"""


def assert_fits(page: Page) -> None:
    """Nothing makes the page scroll sideways (a wide table may scroll inside .table-wrap)."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll_width > width + 1:
        culprits = page.evaluate(_OVERFLOWING, width)
        raise AssertionError(f"{page.url} is {scroll_width}px wide on a {width}px screen; "
                             f"too wide: {culprits}")


_FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  return {tag: element.tagName.toLowerCase(),
          text: (element.innerText || element.value || '').trim(),
          id: element.id, name: element.getAttribute('name'), href: element.getAttribute('href'),
          outlineStyle: style.outlineStyle, outlineWidth: style.outlineWidth,
          boxShadow: style.boxShadow, focusVisible: element.matches(':focus-visible')};
}"""


def focused(page: Page) -> dict[str, Any] | None:
    """What has keyboard focus, with the computed style that shows it."""
    return page.evaluate(_FOCUSED)  # type: ignore[no-any-return]


def assert_focus_visible(page: Page) -> dict[str, Any]:
    element = focused(page)
    assert element is not None, f"nothing has focus on {page.url}"
    outlined = element["outlineStyle"] != "none" and element["outlineWidth"] not in ("0px", "")
    assert outlined or element["boxShadow"] != "none", f"focus is invisible on {element}"
    return element


def tab_until(page: Page, matches: Any, limit: int = 40) -> dict[str, Any]:
    """Press Tab until `matches(focused element)` is true; checks focus is visible each step."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = assert_focus_visible(page)
        if matches(element):
            return element
    raise AssertionError(f"{limit} Tab presses on {page.url} never reached the element")
