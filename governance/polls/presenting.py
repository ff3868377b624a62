"""How polls read to people: option labels, outcomes and chart rows, in the request's language."""

from __future__ import annotations

from typing import Any

from governance import i18n
from governance.polls.models import Poll

STANDARD_LABELS = {
    "yes": i18n.N_("Yes"),
    "no": i18n.N_("No"),
    "abstain": i18n.N_("Abstain"),
}
METHOD_NAMES = {
    "yes_no_abstain": i18n.N_("Yes, no or abstain"),
    "single": i18n.N_("One option"),
    "multiple": i18n.N_("Several options"),
}
MAJORITY_NAMES = {
    "simple": i18n.N_("Simple majority of the votes cast"),
    "absolute": i18n.N_("Absolute majority of the weight present"),
    "two_thirds": i18n.N_("Two thirds of the votes cast"),
    "unanimity": i18n.N_("Unanimity"),
    "double": i18n.N_("Double majority: %(weight)s %% of the weight and %(orgs)s %% of the "
                      "organizations"),
}
OUTCOMES = {
    "adopted": i18n.N_("Adopted"),
    "rejected": i18n.N_("Rejected"),
    "tie": i18n.N_("Tie: the chair decides"),
    "no_quorum": i18n.N_("No quorum"),
    "none": i18n.N_("No option reached the majority"),
}


def label(poll: Poll, key: str) -> str:
    if key in poll.option_labels:
        return poll.option_labels[key]
    if key in STANDARD_LABELS:
        return i18n.gettext(STANDARD_LABELS[key])
    return key


def outcome(poll: Poll) -> str:
    value = poll.outcome or ""
    if value.startswith("elected:"):
        names = ", ".join(label(poll, key) for key in value.split(":", 1)[1].split(","))
        return i18n.gettext("Elected: %(names)s", names=names)
    return i18n.gettext(OUTCOMES[value]) if value in OUTCOMES else value


def majority(poll: Poll) -> str:
    rules = poll.rules
    name = MAJORITY_NAMES.get(rules.get("majority", "simple"), "")
    return i18n.gettext(name, weight=rules.get("double_weight_pct", 0),
                        orgs=rules.get("double_orgs_pct", 0))


def rules_summary(poll: Poll) -> list[str]:
    """The rules in plain words, shown to delegates before they vote."""
    rules = poll.rules
    lines = [majority(poll)]
    lines.append(i18n.gettext("Abstentions count in the base.") if rules.get("abstentions_count")
                 else i18n.gettext("Abstentions do not count in the base."))
    quorum = []
    if rules.get("quorum_weight_pct"):
        quorum.append(i18n.gettext("%(pct)s %% of the weight present",
                                   pct=rules["quorum_weight_pct"]))
    if rules.get("quorum_orgs_pct"):
        quorum.append(i18n.gettext("%(pct)s %% of the organizations present",
                                   pct=rules["quorum_orgs_pct"]))
    if quorum:
        joiner = i18n.gettext(" and ") if rules.get("quorum_mode", "and") == "and" \
            else i18n.gettext(" or ")
        lines.append(i18n.gettext("Quorum: %(quorum)s.", quorum=joiner.join(quorum)))
    if poll.method == "multiple":
        lines.append(i18n.gettext("Choose up to %(k)s options.", k=poll.max_choices))
    if poll.allow_split:
        lines.append(i18n.gettext("An organization may divide its weight among the options."))
    lines.append(i18n.gettext("You may change your vote until the poll closes; the last one "
                              "counts.") if poll.allow_revote
                 else i18n.gettext("Each organization votes once; the vote cannot be changed."))
    lines.append(i18n.gettext("Secret ballot: organizations appear under a pseudonym.")
                 if poll.secret else
                 i18n.gettext("Roll-call vote: each organization's vote is public."))
    if rules.get("tie") == "chair":
        lines.append(i18n.gettext("In a tie, the chair decides."))
    return lines


def tally_rows(poll: Poll, result: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Chart rows (label, weight, organizations, share) from a signed result."""
    if not result:
        return []
    tally = result["tally"]
    total = sum(v["weight"] for v in tally.values()) or 1
    return [{"key": key, "label": label(poll, key), "weight": tally[key]["weight"],
             "value": tally[key]["weight"], "organizations": tally[key]["organizations"],
             "share": tally[key]["weight"] / total}
            for key in poll.options]
