"""Dates as the minutes give them (2010, 2010-11, 2011-09-22), written out in the reader's
language: "noviembre de 2010", "22 de septiembre de 2011"."""

from __future__ import annotations

from datetime import date

from babel import dates

from governance import i18n


def format_dated(dated: str | None) -> str:
    if not dated:
        return ""
    parts = [int(p) for p in dated.split("-")]
    language = i18n.current_language()
    if len(parts) == 1:
        return str(parts[0])
    if len(parts) == 2:
        return dates.format_skeleton("yMMMM", date(parts[0], parts[1], 1), locale=language)
    return dates.format_date(date(parts[0], parts[1], parts[2]), format="long", locale=language)
