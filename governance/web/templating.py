"""Jinja2 rendering with the request's language, locale-aware filters and `url_for`."""

from __future__ import annotations

from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.types import Receive, Scope, Send

from governance import i18n
from governance.resources import resource_dir


def _gettext(message: str) -> str:
    # Jinja's newstyle wrapper fills the placeholders (and escapes) after this returns.
    return i18n.translations(i18n.current_language()).gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return i18n.translations(i18n.current_language()).ngettext(singular, plural, n)


def make_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resource_dir("templates"))),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        number=i18n.format_number,
        percent=i18n.format_percent,
        datetime=i18n.format_datetime,
        date=i18n.format_date,
    )
    env.globals.update(LANGUAGES=i18n.LANGUAGES)
    return env


class Page(HTMLResponse):
    """A rendered page that also tells the test client which template and context it used
    (Starlette's debug extension), so tests assert on what a view chose to show."""

    def __init__(self, template: str, context: dict[str, Any], content: str,
                 status_code: int) -> None:
        super().__init__(content, status_code=status_code)
        self.template = template
        self.context = context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if "http.response.debug" in scope.get("extensions", {}):
            await send({"type": "http.response.debug",
                        "info": {"template": self.template, "context": self.context}})
        await super().__call__(scope, receive, send)


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> Page:
    env: jinja2.Environment = request.app.state.templates
    full: dict[str, Any] = {
        "request": request,
        "url_for": request.url_for,
        "lang": i18n.current_language(),
        "principal": getattr(request.state, "principal", None),
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "csp_nonce": getattr(request.state, "csp_nonce", ""),
    }
    full.update(context or {})
    return Page(template, full, env.get_template(template).render(full), status_code)
