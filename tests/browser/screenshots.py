"""Screenshots of the main pages at phone and desktop sizes, into docs/screenshots/.

    make screenshots        # or: python -m tests.browser.screenshots [--only NAME ...]

Not a test: it builds the demo network (governance.demo.prepare) in a temporary SQLite
database, serves it on a loopback port, logs in as the demo accounts and saves one PNG per
page and size: docs/screenshots/<name>-phone.png and <name>-desktop.png.

To add your page, add a `Shot` to SHOTS below: a name, the path (or a function that finds it in
the demo database), the demo account to log in as, and optionally steps to run before the
picture (fill a form, press a button).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance import demo
from governance.organizations.models import Organization
from governance.settings import PasswordHashing, Settings
from tests.browser.chromium import LOCALES, VIEWPORTS, launch
from tests.browser.server import ServerThread

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MAX_BYTES = 150_000  # keep the repository small: a bigger picture is cut to the viewport


def _first_organization(db: Session) -> str:
    found = db.scalar(select(Organization.id).where(
        Organization.name == "Cooperativa Cafetalera Flor de Altura"))
    return f"/organizations/{found}"


def _upload_bad_csv(page: Any) -> None:
    page.set_input_files("#file", files=[{
        "name": "registro.csv", "mimeType": "text/csv",
        "buffer": "name,country,members\nCooperativa Nueva,Perú,120\nSin miembros,Perú,muchos\n"
                  .encode()}])
    with page.expect_navigation():
        page.locator("form[enctype] button[type=submit]").click()


def _tap_yes(page: Any) -> None:
    with page.expect_navigation():
        page.locator("section.paper").first.get_by_role("button", name="Sí").click()


@dataclass(frozen=True)
class Shot:
    name: str                                # file name stem
    path: str | Callable[[Session], str]     # a path, or found in the demo database
    login: str | None = None                 # a demo staff username (governance.demo.STAFF)
    steps: Callable[[Any], None] | None = None  # run on the page before the picture
    language: str = "es"
    full_page: bool = True                   # the whole page, when it stays under MAX_BYTES


# --- the pages: add yours here --------------------------------------------------------------
SHOTS: list[Shot] = [
    Shot("home", "/"),
    Shot("login", "/login"),
    Shot("home-staff", "/", login="secretaria"),
    Shot("registry", "/organizations", login="secretaria"),
    Shot("registry-filtered", "/organizations?country=PE", login="secretaria"),
    Shot("organization", _first_organization, login="secretaria"),
    Shot("organization-en", _first_organization, login="secretaria", language="en"),
    Shot("import-report", "/organizations/import", login="comite", steps=_upload_bad_csv),
    Shot("delegate-home", "/me", login="delegate"),
    Shot("vote", "/me/polls/2", login="delegate"),
    Shot("vote-confirm", "/me/polls/2", login="delegate", steps=_tap_yes),
    Shot("roll", "/assemblies/1/roll", login="comite"),
    Shot("poll-console", "/polls/2", login="junta"),
    Shot("projector-result", "/polls/1/projector", login="junta"),
    Shot("audit", "/audit", login="auditora"),
    Shot("archive-search", "/archive?q=plantaciones"),
    Shot("archive-mandate-en", "/archive/GA-2010-03?lang=en", language="en"),
    Shot("archive-plan", "/archive/GA-2022-01"),
    Shot("not-found", "/no-such-page"),
    Shot("forbidden", "/organizations/import", login="auditora"),
]
SIZES = ("phone", "desktop")
# ---------------------------------------------------------------------------------------------


def _login(page: Any, username: str) -> None:
    if username == "delegate":  # the printed demo delegate, by credential
        from governance.assemblies import credentials
        from governance.assemblies.demo import demo_credential

        page.goto("/login")
        page.locator("#credential").fill(credentials.format_credential(demo_credential(0)))
        with page.expect_navigation():
            page.locator("#credential").press("Enter")
        return
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(demo.STAFF[username][1])
    with page.expect_navigation():
        page.locator("#password").press("Enter")
    if "/login" in page.url:
        raise SystemExit(f"could not log in as {username}")


def _save(page: Any, target: Path, full_page: bool) -> int:
    page.screenshot(path=str(target), full_page=full_page, animations="disabled", caret="hide")
    size = target.stat().st_size
    viewport = page.viewport_size
    # Too big: the top of the page, two screens high, then one screen.
    for screens in (2, 1) if full_page else ():
        if size <= MAX_BYTES:
            break
        clip = {"x": 0, "y": 0, "width": viewport["width"],
                "height": viewport["height"] * screens}
        page.screenshot(path=str(target), full_page=True, clip=clip, animations="disabled",
                        caret="hide")
        size = target.stat().st_size
    return size


def take(shots: list[Shot], out: Path = OUT) -> list[tuple[Path, int]]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    saved: list[tuple[Path, int]] = []
    with tempfile.TemporaryDirectory(prefix="asamblea-shots-") as scratch:
        settings = Settings(database_url=f"sqlite:///{scratch}/demo.db",
                            data_dir=Path(scratch) / "data", secure_cookies=False,
                            password_hashing=PasswordHashing(time_cost=1, memory_cost=8192,
                                                             parallelism=1))
        demo.prepare(settings)
        thread = ServerThread(settings)
        server = thread.start()
        try:
            with sync_playwright() as playwright:
                browser = launch(playwright)
                for shot in shots:
                    path = shot.path
                    if callable(path):
                        with server.database.transaction(write=False) as db:
                            path = path(db)
                    for size in SIZES:
                        context = browser.new_context(base_url=server.url,
                                                      viewport=VIEWPORTS[size],
                                                      locale=LOCALES[shot.language])
                        page = context.new_page()
                        if shot.login:
                            _login(page, shot.login)
                        page.goto(path)
                        if shot.steps:
                            shot.steps(page)
                        target = out / f"{shot.name}-{size}.png"
                        saved.append((target, _save(page, target, shot.full_page)))
                        context.close()
                browser.close()
        finally:
            thread.stop()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="names of the shots to take (default: all)")
    args = parser.parse_args(argv)
    shots = [s for s in SHOTS if not args.only or s.name in args.only]
    for target, size in take(shots):
        flag = "  (over the size budget)" if size > MAX_BYTES else ""
        print(f"{target.relative_to(OUT.parents[1])}  {size // 1000} KB{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
