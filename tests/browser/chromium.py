"""Debian's Chromium, driven by Playwright for Python. Never a downloaded browser.

Playwright's own browsers are not used (`playwright install` is never run): the driver that
comes with the `playwright` wheel talks to /usr/bin/chromium over the DevTools protocol.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

CHROMIUM = Path(os.environ.get("ASAMBLEA_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium keeps calling home, and on a closed network
# those connections fail many at a time; no sandbox because CI runs as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

PHONE: dict[str, int] = {"width": 360, "height": 740}
DESKTOP: dict[str, int] = {"width": 1280, "height": 800}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

# Accept-Language sent by the browser for each UI language (the app negotiates on it).
LOCALES = {"es": "es-419", "en": "en-US", "pt": "pt-BR", "fr": "fr-FR"}


class ChromiumUnavailable(RuntimeError):
    """Why the browser tests cannot run here (shown as the skip reason)."""


def launch(playwright: Playwright, **options: Any) -> Browser:
    if not CHROMIUM.exists():
        raise ChromiumUnavailable(
            f"{CHROMIUM} is missing: install Debian's chromium (`apt-get install chromium`; "
            ".ci/run does it) or set ASAMBLEA_CHROMIUM"
        )
    try:
        return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                          args=CHROMIUM_ARGS, **options)
    except Exception as exc:  # noqa: BLE001 - any launch failure means "cannot run here"
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ChromiumUnavailable(f"{CHROMIUM} did not start: {first_line}") from exc
