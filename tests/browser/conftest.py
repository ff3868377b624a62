"""Browser fixtures: the real app on a loopback port, Debian's Chromium, pages per viewport.

- `live_server`: the app served by uvicorn on the migrated test database (the one of
  tests/conftest.py). The database is emptied after every test, as everywhere else, so each
  test seeds what it needs first: `with live_server.database.transaction() as db: ...` with the
  services or tests.factories functions, or through the API (`live_server.url + "/api/v1/..."`).
- `desktop_page` (1280×800), `phone_page` (360×740), `phone_page_nojs` (360×740, JavaScript
  off): a fresh browser context each (no cookies shared), Spanish by default, `page.goto("/x")`
  relative to the server. `new_page(viewport=..., javascript=..., language=...)` opens more
  (e.g. a chair and a projector side by side).
- Every page fails its test when the page throws a JavaScript error or the browser reports a
  Content-Security-Policy violation.

The whole directory is skipped, with the reason, when Chromium is missing or cannot start.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from governance.db import Database
from governance.settings import Settings
from tests.browser.a11y import mark_no_script
from tests.browser.chromium import LOCALES, VIEWPORTS, ChromiumUnavailable, launch
from tests.browser.helpers import watch_problems
from tests.browser.server import LiveServer, ServerThread
from tests.conftest import FAST_HASHING

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


# Package scope: one server and one browser for the browser tests, stopped when they are done
# (before the rest of the suite goes on), not one per test.
@pytest.fixture(scope="package")
def _server_thread(database_url: str,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path_factory.mktemp("browser-data"),
        secure_cookies=False,  # plain http on 127.0.0.1
        password_hashing=FAST_HASHING,
        credential_hashing=FAST_HASHING,
    )
    thread = ServerThread(settings)
    server = thread.start()
    yield server
    thread.stop()


@pytest.fixture
def live_server(_server_thread: LiveServer, database: Database) -> LiveServer:
    """The running app; requesting it also empties the database after the test."""
    return _server_thread


@pytest.fixture(scope="package")
def _playwright() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed (pip install -e '.[test]')")
    manager = sync_api.sync_playwright().start()
    yield manager
    manager.stop()


@pytest.fixture(scope="package")
def browser(_playwright: Any) -> Iterator[Any]:
    try:
        chromium = launch(_playwright)
    except ChromiumUnavailable as exc:
        pytest.skip(f"browser tests skipped: {exc}")
    yield chromium
    chromium.close()


@pytest.fixture
def new_page(browser: Any, live_server: LiveServer) -> Iterator[Callable[..., Any]]:
    """Open a page in a new context: `new_page(viewport="phone"|"desktop"|{...},
    javascript=True, language="es")`."""
    contexts: list[Any] = []
    problems: list[str] = []

    def open_page(viewport: str | dict[str, int] = "desktop", javascript: bool = True,
                  language: str = "es") -> Any:
        size = VIEWPORTS[viewport] if isinstance(viewport, str) else viewport
        context = browser.new_context(base_url=live_server.url, viewport=size,
                                      java_script_enabled=javascript,
                                      locale=LOCALES.get(language, language))
        context.set_default_timeout(10_000)
        if not javascript:
            mark_no_script(context)
        contexts.append(context)
        page = context.new_page()
        watch_problems(page, problems)
        return page

    yield open_page
    for context in contexts:
        context.close()
    if problems:
        pytest.fail("the browser reported:\n" + "\n".join(problems))


@pytest.fixture
def desktop_page(new_page: Callable[..., Any]) -> Any:
    return new_page("desktop")


@pytest.fixture
def phone_page(new_page: Callable[..., Any]) -> Any:
    return new_page("phone")


@pytest.fixture
def phone_page_nojs(new_page: Callable[..., Any]) -> Any:
    return new_page("phone", javascript=False)
