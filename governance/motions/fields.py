"""Checking what the board, the API and the archive import say about a motion: one set of rules,
one clear message naming the field that breaks it."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from governance import errors
from governance.motions.workflow import KINDS, OBJECTIVE_OUTCOMES, TEXT_LANGUAGES

CODE = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
DATED = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
MAX_TITLE = 300
MAX_BODY = 100_000
MAX_TAGS = 20
MAX_TAG = 60
MAX_LABEL = 200


def code(value: Any) -> str:
    cleaned = str(value or "").strip().upper()
    if not cleaned or len(cleaned) > 40 or not CODE.match(cleaned):
        raise errors.InvalidInput(
            "The reference code has 1 to 40 letters and digits in groups joined by hyphens, "
            "like GA-2010-03.", field="code")
    return cleaned


def kind(value: Any) -> str:
    if value not in KINDS:
        raise errors.InvalidInput("%(field)s must be one of %(allowed)s.", field="kind",
                                  allowed=", ".join(KINDS))
    return str(value)


def language(value: Any, name: str = "language") -> str:
    if value not in TEXT_LANGUAGES:
        raise errors.InvalidInput("%(field)s must be one of %(allowed)s.", field=name,
                                  allowed=", ".join(TEXT_LANGUAGES))
    return str(value)


def title(value: Any, name: str = "title") -> str:
    cleaned = " ".join(str(value or "").split())
    if not cleaned or len(cleaned) > MAX_TITLE:
        raise errors.InvalidInput("The title must have 1 to %(limit)s characters.", field=name,
                                  limit=MAX_TITLE)
    return cleaned


def body(value: Any, name: str = "body") -> str:
    cleaned = str(value or "").replace("\r\n", "\n").strip()
    if len(cleaned) > MAX_BODY:
        raise errors.InvalidInput("The text is longer than %(limit)s characters.", field=name,
                                  limit=MAX_BODY)
    return cleaned


def tags(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    found: dict[str, str] = {}
    for raw in value or []:
        tag = " ".join(str(raw).split())
        if not tag:
            continue
        if len(tag) > MAX_TAG:
            raise errors.InvalidInput("A tag has at most %(limit)s characters.", field="tags",
                                      limit=MAX_TAG)
        found.setdefault(tag.casefold(), tag)
    if len(found) > MAX_TAGS:
        raise errors.InvalidInput("A motion has at most %(limit)s tags.", field="tags",
                                  limit=MAX_TAGS)
    return sorted(found.values(), key=str.casefold)


def label(value: Any, name: str, limit: int = MAX_LABEL) -> str | None:
    cleaned = " ".join(str(value or "").split())
    if len(cleaned) > limit:
        raise errors.InvalidInput("%(field)s has at most %(limit)s characters.", field=name,
                                  limit=limit)
    return cleaned or None


def note(value: Any, name: str) -> str | None:
    cleaned = str(value or "").replace("\r\n", "\n").strip()
    if len(cleaned) > 5_000:
        raise errors.InvalidInput("%(field)s has at most %(limit)s characters.", field=name,
                                  limit=5_000)
    return cleaned or None


def dated(value: Any) -> str | None:
    """A date as precise as the minutes are: 2010, 2010-11 or 2011-09-22."""
    cleaned = str(value or "").strip()
    if not cleaned:
        return None
    match = DATED.match(cleaned)
    try:
        if match is None:
            raise ValueError(cleaned)
        year, month, day = (int(part) if part else 1 for part in match.groups())
        date(year, month, day)
        if not 1900 <= year <= 2200:
            raise ValueError(cleaned)
    except ValueError:
        raise errors.InvalidInput(
            "%(field)s must be a date written 2011-09-22, 2010-11 or 2010.", field="dated"
        ) from None
    return cleaned


def optional_id(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if isinstance(value, bool) or number < 1 or number > 2**31 - 1:
        raise errors.InvalidInput("%(field)s must be a positive whole number.", field=name)
    return number


def moment(value: Any, name: str) -> datetime | None:
    """An instant with its time zone (ISO 8601), e.g. 2026-03-01T23:59:00-05:00."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            parsed = None  # type: ignore[assignment]
    if parsed is None or parsed.tzinfo is None:
        raise errors.InvalidInput(
            "%(field)s must be a date and time with its time zone, like "
            "2026-03-01T23:59:00-05:00.", field=name)
    return parsed


def outcome(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if value not in OBJECTIVE_OUTCOMES:
        raise errors.InvalidInput("%(field)s must be one of %(allowed)s.", field="outcome",
                                  allowed=", ".join(OBJECTIVE_OUTCOMES))
    return str(value)
