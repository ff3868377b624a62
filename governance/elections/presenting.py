"""Each seat of a signed election result as a sentence in the reader's language: the pages,
the projector and the minutes all say the same (docs/elections.md, "Each seat explained")."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from governance import i18n
from governance.i18n import N_
from governance.organizations.countries import REGION_NAMES


def group_name(reservation: Mapping[str, Any]) -> str:
    """"the Andean region", "the Workers Network": who a reserved seat is for."""
    if reservation["kind"] == "region":
        region = REGION_NAMES.get(reservation["value"], reservation["value"])
        return i18n.gettext("the %(region)s region", region=i18n.gettext(region))
    return str(reservation["value"])


def _names(keys: list[str], label: Callable[[str], str]) -> str:
    return ", ".join(label(key) for key in keys)


def seat_sentence(seat: Mapping[str, Any], label: Callable[[str], str], cap: int) -> str:
    """One seat of result.json `election.seats`, explained. `label` names a candidate's
    option key; `cap` is the most seats one gender may hold under parity."""
    reserved = seat.get("reserved_for")
    place = (i18n.gettext("reserved for %(group)s", group=group_name(reserved)) if reserved
             else i18n.gettext("general list"))
    values = {"number": seat["seat"], "place": place,
              "name": label(seat["candidate"]) if seat.get("candidate") else "",
              "weight": i18n.format_number(seat.get("weight") or 0),
              "others": _names(list(seat.get("others") or []), label), "cap": cap}
    reason = seat["reason"]
    if reason == "top" and reserved:
        text = N_("Seat %(number)s — %(place)s: %(name)s, the highest weighted vote among its "
                  "candidates (%(weight)s).")
    elif reason == "top":
        text = N_("Seat %(number)s — %(place)s: %(name)s, the highest weighted vote among the "
                  "candidates still in the running (%(weight)s).")
    elif reason == "parity":
        text = N_("Seat %(number)s — %(place)s: %(name)s (%(weight)s). %(others)s had more "
                  "votes, but parity allows at most %(cap)s seats to one gender.")
    elif reason == "from_general":
        text = N_("Seat %(number)s — %(place)s, which no candidate of that group could fill: "
                  "filled from the general list by %(name)s (%(weight)s).")
    elif reason == "no_candidate":
        text = N_("Seat %(number)s — %(place)s: vacant, the group has no electable candidate.")
    elif reason == "no_candidate_left":
        text = N_("Seat %(number)s — %(place)s: vacant, no candidate left who could hold it.")
    else:
        text = N_("Seat %(number)s — %(place)s: tie between %(others)s; the statutes' tie "
                  "rule decides.")
    return i18n.gettext(text, **values)


def seat_sentences(result: Mapping[str, Any] | None, label: Callable[[str], str]) -> list[str]:
    """Every seat of a signed election result, explained; [] for other results."""
    election = (result or {}).get("election")
    if not election:
        return []
    seats = election["rules"]["seats"]
    cap = (seats + 1) // 2 if election["rules"]["parity"] else seats
    return [seat_sentence(seat, label, cap) for seat in election["seats"]]
