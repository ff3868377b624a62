"""Poll definitions: the question's method and options, and the statutes' decision rules.

A `PollSpec` is frozen when a poll opens. Its dict form goes into result.json as `poll`
(with `poll.rules`), so a verifier re-derives the outcome from exactly these rules.
The meaning of every rule is in docs/audit.md, "Tally, quorum and outcome rules".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

METHODS = ("yes_no_abstain", "single", "multiple")
MAJORITIES = ("simple", "absolute", "two_thirds", "unanimity", "double")
QUORUM_MODES = ("and", "or")
TIE_RULES = ("rejected", "chair")
YES_NO_ABSTAIN = ("yes", "no", "abstain")
ABSTAIN = "abstain"
OPTION_KEY = re.compile(r"[a-z0-9_-]{1,32}")

_RULE_FIELDS = (
    "majority",
    "double_weight_pct",
    "double_orgs_pct",
    "abstentions_count",
    "quorum_weight_pct",
    "quorum_orgs_pct",
    "quorum_mode",
    "tie",
)
_SPEC_FIELDS = ("method", "options", "max_choices", "allow_split", "allow_revote", "secret")


class PollSpecError(ValueError):
    """A poll definition or rule set that cannot be run."""


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_pct(name: str, value: object) -> None:
    if not _is_int(value) or not 0 <= value <= 100:  # type: ignore[operator]
        raise PollSpecError(f"{name} must be an integer percent in 0..100, got {value!r}")


def _check_unknown(kind: str, data: Mapping[str, object], known: tuple[str, ...]) -> None:
    if not isinstance(data, Mapping):
        raise PollSpecError(f"{kind} must be an object")
    unknown = sorted(str(k) for k in set(data) - set(known))
    if unknown:
        raise PollSpecError(f"unknown {kind} field(s): {', '.join(unknown)}")


@dataclass(frozen=True)
class Rules:
    """How a poll is decided (DESIGN.md "Poll"; exact semantics in docs/audit.md).

    majority: "simple" | "absolute" | "two_thirds" | "unanimity" | "double".
    double_weight_pct, double_orgs_pct: for "double" only, both in 1..100: the share of
        the weight AND the share of the organizations in the base an option needs, at least.
    abstentions_count: whether abstentions are part of the base of votes cast.
    quorum_weight_pct, quorum_orgs_pct: share of the roll's weight / organizations that
        must be present; 0 = no such quorum.
    quorum_mode: "and" | "or", combining the two quorums when both are set.
    tie: "rejected" (a tie decides nothing: the motion fails, tied seats stay empty) or
        "chair" (outcome "tie", left to the chair's casting vote outside this result).
    """

    majority: str = "simple"
    double_weight_pct: int = 0
    double_orgs_pct: int = 0
    abstentions_count: bool = False
    quorum_weight_pct: int = 0
    quorum_orgs_pct: int = 0
    quorum_mode: str = "and"
    tie: str = "rejected"

    def __post_init__(self) -> None:
        if self.majority not in MAJORITIES:
            raise PollSpecError(
                f"unknown majority {self.majority!r}; expected one of {', '.join(MAJORITIES)}"
            )
        for name in (
            "double_weight_pct",
            "double_orgs_pct",
            "quorum_weight_pct",
            "quorum_orgs_pct",
        ):
            _check_pct(name, getattr(self, name))
        if self.majority == "double" and (self.double_weight_pct < 1 or self.double_orgs_pct < 1):
            raise PollSpecError(
                "majority 'double' needs double_weight_pct and double_orgs_pct in 1..100"
            )
        if not isinstance(self.abstentions_count, bool):
            raise PollSpecError("abstentions_count must be true or false")
        if self.quorum_mode not in QUORUM_MODES:
            raise PollSpecError(f"quorum_mode must be 'and' or 'or', got {self.quorum_mode!r}")
        if self.tie not in TIE_RULES:
            raise PollSpecError(f"tie must be 'rejected' or 'chair', got {self.tie!r}")

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Rules:
        """Rules from their result.json `poll.rules` dict; missing fields take the defaults."""
        _check_unknown("rules", data, _RULE_FIELDS)
        return cls(**{k: v for k, v in data.items()})  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, object]:
        """Every field, so that result.json states the rules in full."""
        return {name: getattr(self, name) for name in _RULE_FIELDS}


@dataclass(frozen=True)
class PollSpec:
    """One question put to the voting rights (DESIGN.md "Poll"; API.md createPoll).

    method: "yes_no_abstain" (options are exactly yes, no, abstain; an empty `options`
        means those three), "single" (one of N) or "multiple" (up to `max_choices` of N).
    options: option keys, 1 to 32 characters of [a-z0-9_-], unique. In single and multiple
        polls an option named "abstain" is the abstention: it can never win.
    max_choices: 1 for yes_no_abstain and single; k (1..number of candidates) for multiple,
        which is also the number of seats filled.
    allow_split: a voting right may split its weight across options (not for multiple).
    allow_revote: the last ballot of a voting right counts (otherwise its first).
    secret: the roll publishes per-poll pseudonyms instead of organization names.
    """

    method: str
    options: tuple[str, ...] = ()
    max_choices: int = 1
    allow_split: bool = False
    allow_revote: bool = False
    secret: bool = False
    rules: Rules = field(default_factory=Rules)

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise PollSpecError(
                f"unknown method {self.method!r}; expected one of {', '.join(METHODS)}"
            )
        if isinstance(self.options, str) or not isinstance(self.options, tuple | list):
            raise PollSpecError("options must be a list of option keys")
        options = tuple(self.options)
        if self.method == "yes_no_abstain":
            if options == ():
                options = YES_NO_ABSTAIN
            if options != YES_NO_ABSTAIN:
                raise PollSpecError(
                    "a yes_no_abstain poll has exactly the options yes, no, abstain"
                )
        for key in options:
            if not isinstance(key, str) or not OPTION_KEY.fullmatch(key):
                raise PollSpecError(
                    f"option key {key!r} must be 1 to 32 characters of a-z, 0-9, '_' or '-'"
                )
        if len(set(options)) != len(options):
            raise PollSpecError("option keys must be unique")
        candidates = [key for key in options if key != ABSTAIN]
        if len(candidates) < 2 and self.method == "single":
            raise PollSpecError("a single-choice poll needs at least two options besides abstain")
        if len(candidates) < 1:
            raise PollSpecError("a poll needs at least one option besides abstain")
        if not _is_int(self.max_choices):
            raise PollSpecError(f"max_choices must be an integer, got {self.max_choices!r}")
        if self.method != "multiple" and self.max_choices != 1:
            raise PollSpecError(f"max_choices must be 1 for a {self.method} poll")
        if self.method == "multiple" and not 1 <= self.max_choices <= len(candidates):
            raise PollSpecError(
                f"max_choices must be between 1 and {len(candidates)} (the options besides "
                f"abstain), got {self.max_choices}"
            )
        for name in ("allow_split", "allow_revote", "secret"):
            if not isinstance(getattr(self, name), bool):
                raise PollSpecError(f"{name} must be true or false")
        if self.allow_split and self.method == "multiple":
            raise PollSpecError("split votes are only possible in yes_no_abstain and single polls")
        if not isinstance(self.rules, Rules):
            raise PollSpecError("rules must be a Rules value")
        object.__setattr__(self, "options", options)

    @property
    def candidates(self) -> tuple[str, ...]:
        """The options that can win or be elected: every option except "abstain"."""
        return tuple(key for key in self.options if key != ABSTAIN)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> PollSpec:
        """A spec from its dict form (result.json `poll` minus `id` and `title`)."""
        _check_unknown("poll", data, _SPEC_FIELDS + ("rules",))
        if "method" not in data:
            raise PollSpecError("poll.method is required")
        raw_rules = data.get("rules", {})
        if not isinstance(raw_rules, Mapping):
            raise PollSpecError("poll.rules must be an object")
        options = data.get("options", ())
        if isinstance(options, list):
            options = tuple(options)
        values = {k: v for k, v in data.items() if k not in ("rules", "options")}
        return cls(options=options, rules=Rules.from_dict(raw_rules), **values)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, object]:
        """Every field; `options` as a list and `rules` as `Rules.to_dict()`."""
        return {
            "method": self.method,
            "options": list(self.options),
            "max_choices": self.max_choices,
            "allow_split": self.allow_split,
            "allow_revote": self.allow_revote,
            "secret": self.secret,
            "rules": self.rules.to_dict(),
        }
