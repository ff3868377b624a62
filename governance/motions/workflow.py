"""The words of a motion: its kinds, its statuses and which status may follow which.

Pure data and functions, no database: the rules read the same in services, pages and tests.
"""

from __future__ import annotations

from governance.i18n import N_

KINDS = ("resolution", "mandate", "position", "strategic_plan", "statute_amendment",
         "declaration")
KIND_NAMES = {
    "resolution": N_("Resolution"),
    "mandate": N_("Mandate"),
    "position": N_("Position"),
    "strategic_plan": N_("Strategic plan"),
    "statute_amendment": N_("Statute amendment"),
    "declaration": N_("Declaration or letter"),
}

STATUSES = ("draft", "published", "on_agenda", "voted", "adopted", "rejected", "withdrawn",
            "referred")
STATUS_NAMES = {
    "draft": N_("Draft"),
    "published": N_("Published"),
    "on_agenda": N_("On the agenda"),
    "voted": N_("Voted"),
    "adopted": N_("Adopted"),
    "rejected": N_("Rejected"),
    "withdrawn": N_("Withdrawn"),
    "referred": N_("Referred"),
}
# Where a motion's life ends: an amendment in one of these no longer holds its parent back.
CLOSED = frozenset({"adopted", "rejected", "withdrawn", "referred"})
# Outcomes an objective of a strategic plan can have once it has been put to the assembly.
OBJECTIVE_OUTCOMES = ("adopted", "rejected", "withdrawn", "referred")

# A motion may be withdrawn until it is voted; an assembly may refer it (to a committee, to the
# board) instead of voting, or after a vote that decides to refer it.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("published", "withdrawn"),
    "published": ("on_agenda", "withdrawn"),
    "on_agenda": ("voted", "withdrawn", "referred"),
    "voted": ("adopted", "rejected", "referred"),
}

# The languages a motion's text can be written in (the interface itself speaks fewer).
TEXT_LANGUAGES = ("es", "en", "pt", "fr")
TEXT_LANGUAGE_NAMES = {"es": "Español", "en": "English", "pt": "Português", "fr": "Français"}

RELATIONS = ("supersedes", "amends")
RELATION_NAMES = {
    "supersedes": N_("Supersedes"),
    "amends": N_("Amends"),
}
INVERSE_NAMES = {
    "supersedes": N_("Superseded by"),
    "amends": N_("Amended by"),
}


def next_statuses(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, ())


def is_public(status: str) -> bool:
    """Everything but a draft is part of the public record, withdrawn motions included."""
    return status != "draft"
