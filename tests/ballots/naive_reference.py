"""A deliberately naive recount and decision, written from docs/audit.md alone.

It shares no code with `ballots.tally`: plain loops over plain data, exact fractions
instead of cross-multiplication, and the rules spelled out one by one, so that the
property tests compare two independent readings of the same rules.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

HALF = Fraction(1, 2)
TWO_THIRDS = Fraction(2, 3)


def naive_tally(poll: dict[str, Any], roll: list[dict[str, Any]], ballots: list[dict[str, Any]]):
    """Recount: returns (per_option {key: [weight, orgs]}, counted {voter: ballot})."""
    weight_of = {}
    for entry in roll:
        weight_of[entry["voter"]] = entry["weight"]

    counted = {}
    for ballot in ballots:  # ballots are in ledger order
        voter = ballot["voter"]
        if voter not in weight_of:
            continue
        if poll["allow_revote"]:
            counted[voter] = ballot  # a later ballot replaces the earlier one
        elif voter not in counted:
            counted[voter] = ballot  # the first ballot stays

    per_option = {}
    for key in poll["options"]:
        per_option[key] = [0, 0]
    for voter, ballot in counted.items():
        weight = weight_of[voter]
        if "choice" in ballot:
            per_option[ballot["choice"]][0] += weight
            per_option[ballot["choice"]][1] += 1
        elif "choices" in ballot:
            for key in ballot["choices"]:
                per_option[key][0] += weight
                per_option[key][1] += 1
        else:
            for key, units in ballot["split"].items():
                if units > 0:
                    per_option[key][0] += units
                    per_option[key][1] += 1
    return per_option, counted


def _abstained_units(ballot: dict[str, Any], weight: int) -> int:
    if "choice" in ballot:
        return weight if ballot["choice"] == "abstain" else 0
    if "choices" in ballot:
        return weight if ballot["choices"] == ["abstain"] else 0
    return ballot["split"].get("abstain", 0)


def naive_decide(poll: dict[str, Any], roll: list[dict[str, Any]], ballots: list[dict[str, Any]]):
    """(quorum_met, outcome) per docs/audit.md."""
    per_option, counted = naive_tally(poll, roll, ballots)
    return naive_decide_counted(poll, roll, per_option, counted)


def naive_decide_counted(poll, roll, per_option, counted):  # type: ignore[no-untyped-def]
    """(quorum_met, outcome) from a naive recount."""
    rules = poll["rules"]

    total_weight = sum(entry["weight"] for entry in roll)
    total_orgs = len(roll)
    present_weight = 0
    present_orgs = 0
    for entry in roll:
        if entry["present"] or entry["voter"] in counted:
            present_weight += entry["weight"]
            present_orgs += 1

    def share_reached(part: int, whole: int, pct: int) -> bool:
        if whole == 0:
            return True
        return Fraction(part, whole) >= Fraction(pct, 100)

    quorum_parts = []
    if rules["quorum_weight_pct"] > 0:
        quorum_parts.append(share_reached(present_weight, total_weight, rules["quorum_weight_pct"]))
    if rules["quorum_orgs_pct"] > 0:
        quorum_parts.append(share_reached(present_orgs, total_orgs, rules["quorum_orgs_pct"]))
    if not quorum_parts:
        quorum_met = True
    elif rules["quorum_mode"] == "and":
        quorum_met = all(quorum_parts)
    else:
        quorum_met = any(quorum_parts)
    if not quorum_met:
        return False, "no_quorum"

    base_weight = 0
    base_orgs = 0
    weight_of = {entry["voter"]: entry["weight"] for entry in roll}
    for voter, ballot in counted.items():
        weight = weight_of[voter]
        abstained = _abstained_units(ballot, weight)
        if rules["abstentions_count"]:
            base_weight += weight
            base_orgs += 1
        else:
            base_weight += weight - abstained
            if abstained < weight:
                base_orgs += 1

    def reaches_majority(weight: int, orgs: int) -> bool:
        if weight == 0:
            return False
        majority = rules["majority"]
        if majority == "simple":
            return True
        if majority == "absolute":
            return Fraction(weight, present_weight) > HALF
        if majority == "two_thirds":
            return Fraction(weight, base_weight) >= TWO_THIRDS
        if majority == "unanimity":
            return weight == base_weight
        return Fraction(weight, base_weight) >= Fraction(
            rules["double_weight_pct"], 100
        ) and Fraction(orgs, base_orgs) >= Fraction(rules["double_orgs_pct"], 100)

    if poll["method"] == "yes_no_abstain":
        yes_weight, yes_orgs = per_option["yes"]
        if rules["majority"] == "simple":
            if base_weight == 0 or yes_weight == 0:
                return True, "rejected"
            share = Fraction(yes_weight, base_weight)
            if share > HALF:
                return True, "adopted"
            if share == HALF:
                return True, "tie" if rules["tie"] == "chair" else "rejected"
            return True, "rejected"
        return True, "adopted" if reaches_majority(yes_weight, yes_orgs) else "rejected"

    seats = poll["max_choices"]
    ranked = []
    for key in poll["options"]:
        if key == "abstain":
            continue
        weight, orgs = per_option[key]
        if reaches_majority(weight, orgs):
            ranked.append((weight, key))
    ranked.sort(key=lambda pair: -pair[0])
    if len(ranked) <= seats:
        winners = [key for _, key in ranked]
    elif ranked[seats - 1][0] == ranked[seats][0]:
        last = ranked[seats - 1][0]
        if rules["tie"] == "chair":
            return True, "tie"
        winners = [key for weight, key in ranked if weight > last]
    else:
        winners = [key for _, key in ranked[:seats]]
    if not winners:
        return True, "none"
    in_option_order = [key for key in poll["options"] if key in winners]
    return True, "elected:" + ",".join(in_option_order)
