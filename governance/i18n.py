"""Languages: catalogs, the language of the current request, and locale-aware formatting.

Messages are written in English in the code and templates; each language has one or more
`.po` files under `governance/locale/<lang>/` (one per domain, so catalogs grow without
conflicts), read at start-up and merged. The language of a request comes from `?lang=`, then
the `lang` cookie, then Accept-Language, then the default (Spanish).
"""

from __future__ import annotations

import gettext as _gettext
import re
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# The order is the order of the language links in every page.
LANGUAGES: Mapping[str, str] = {
    "es": "Español", "en": "English", "pt": "Português", "fr": "Français",
}
DEFAULT_LANGUAGE = "es"

_current: ContextVar[str] = ContextVar("asamblea_language", default=DEFAULT_LANGUAGE)


@cache
def translations(language: str) -> _gettext.NullTranslations:
    """All `.po` files of one language merged into one catalog (English needs none)."""
    merged: Translations | None = None
    for po_path in sorted((LOCALE_DIR / language).glob("**/*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=language)
        buffer = BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        loaded = Translations(buffer)
        if merged is None:
            merged = loaded
        else:
            merged.merge(loaded)
    return merged or _gettext.NullTranslations()


def set_language(language: str) -> None:
    _current.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def current_language() -> str:
    return _current.get()


def gettext(message: str, **params: Any) -> str:
    text = translations(current_language()).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    text = translations(current_language()).ngettext(singular, plural, n)
    params.setdefault("num", n)
    return text % params


def N_(message: str) -> str:  # noqa: N802 - the conventional name for "mark for extraction"
    """Mark a message for extraction; it is translated later, where it is shown."""
    return message


def negotiate(query_lang: str | None, cookie_lang: str | None, accept_language: str) -> str:
    for candidate in (query_lang, cookie_lang):
        if candidate in LANGUAGES:
            return candidate
    weighted: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        tag, _sep, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        weighted.append((weight, tag.split("-")[0].strip().lower()))
    for _weight, tag in sorted(weighted, key=lambda item: -item[0]):
        if tag in LANGUAGES:
            return tag
    return DEFAULT_LANGUAGE


def format_number(value: int | float) -> str:
    return numbers.format_decimal(value, locale=current_language())


def format_percent(value: float, digits: int = 1) -> str:
    """`digits` decimals in the language's own pattern: 12.5% (en, pt: 12,5%), 12,5 % (es, fr,
    with a no-break space so the sign never wraps onto the next line)."""
    pattern = Locale.parse(current_language()).percent_formats[None].pattern
    if digits:
        pattern = re.sub(r"0(?=[^0#]*%)", "0." + "0" * digits, pattern, count=1)
    return numbers.format_percent(value, format=pattern, locale=current_language())


def format_datetime(value: datetime | None, tz: str = "UTC", fmt: str = "medium") -> str:
    if value is None:
        return ""
    return dates.format_datetime(value, format=fmt, tzinfo=ZoneInfo(tz), locale=current_language())


def format_date(value: Any, fmt: str = "long") -> str:
    if value is None:
        return ""
    return dates.format_date(value, format=fmt, locale=current_language())
