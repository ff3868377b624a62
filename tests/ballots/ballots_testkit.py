"""Plain factories and hypothesis strategies shared by the tests of `ballots/`."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import strategies as st

from ballots.canonical import canonical_json
from ballots.casting import validate_choice
from ballots.elections import Election
from ballots.polls import ABSTAIN, MAJORITIES, YES_NO_ABSTAIN, PollSpec, Rules
from ballots.result import ballot_line, build_result, jsonl, ledger_root, roll_lines
from ballots.signing import fingerprint, generate_private_key, public_key_pem, sign
from ballots.tally import BallotLine, RollEntry

ASSEMBLY = {"id": 3, "title": "Asamblea General Ordinaria 2024", "weighting": {"scheme": "sqrt"}}
OPENED_AT = "2024-05-14T14:00:00Z"
CLOSED_AT = "2024-05-14T14:10:00Z"


# ---- plain factories ----------------------------------------------------------------------


def make_roll(
    weights: Sequence[int], present: Sequence[bool] | None = None, *, secret: bool = False
) -> list[RollEntry]:
    """A roll of voters v0, v1, … with the given weights (all present unless told)."""
    flags = list(present) if present is not None else [True] * len(weights)
    return [
        RollEntry(
            voter=f"v{i}",
            weight=w,
            present=flags[i],
            organization=None if secret else f"Cooperativa {i}",
        )
        for i, w in enumerate(weights)
    ]


def make_ballots(votes: Sequence[tuple[str, dict[str, Any]]]) -> list[BallotLine]:
    """BallotLines in ledger order from (voter, vote dict) pairs."""
    return [BallotLine(seq=i, voter=voter, vote=vote) for i, (voter, vote) in enumerate(votes)]


@dataclass(frozen=True)
class BuiltPoll:
    """A closed poll with everything a bundle needs."""

    spec: PollSpec
    roll: list[RollEntry]
    ballots: list[BallotLine]
    lines: list[bytes]
    result: dict[str, Any]
    key: Ed25519PrivateKey
    files: dict[str, Any]  # keyword arguments of write_bundle / bundle_zip_bytes


def build_poll(
    spec: PollSpec,
    roll: Sequence[RollEntry],
    votes: Sequence[tuple[str, dict[str, Any]]],
    *,
    key: Ed25519PrivateKey | None = None,
    cosigners: int = 0,
    title: str = "Moción GA-2024-03: plan estratégico",
    election: Election | None = None,
) -> BuiltPoll:
    """Build the signed result and bundle files of a poll, the way the app will."""
    key = key or generate_private_key()
    lines = [
        ballot_line(i, voter, vote, OPENED_AT, {"entered_by": "delegate"})
        for i, (voter, vote) in enumerate(votes)
    ]
    ballots = make_ballots(votes)
    roll_bytes = roll_lines(roll)
    result = build_result(
        assembly=ASSEMBLY,
        spec=spec,
        poll_id=42,
        poll_title=title,
        roll=list(roll),
        roll_bytes=roll_bytes,
        ballots=ballots,
        ledger_root_hex=ledger_root(lines),
        opened_at=OPENED_AT,
        closed_at=CLOSED_AT,
        signing_key_fingerprint=fingerprint(key.public_key()),
        election=election,
    )
    result_json = canonical_json(result)
    cosignatures = {}
    for n in range(cosigners):
        cosigner = generate_private_key()
        cosignatures[f"teller-{n}"] = (
            public_key_pem(cosigner.public_key()),
            sign(cosigner, result_json),
        )
    files = {
        "result_json": result_json,
        "signature": sign(key, result_json),
        "public_key_pem": public_key_pem(key.public_key()),
        "roll_jsonl": roll_bytes,
        "ballots_jsonl": jsonl(lines),
        "cosignatures": cosignatures,
    }
    return BuiltPoll(spec, list(roll), ballots, lines, result, key, files)


# ---- random polls from a seeded random.Random (fast, for bulk and mutation tests) ------------


def random_spec(rng: random.Random) -> PollSpec:
    """Any valid poll definition."""
    method = rng.choice(["yes_no_abstain", "single", "multiple"])
    majority = rng.choice(MAJORITIES)
    rules = Rules(
        majority=majority,
        double_weight_pct=rng.randint(1, 100) if majority == "double" else 0,
        double_orgs_pct=rng.randint(1, 100) if majority == "double" else 0,
        abstentions_count=rng.random() < 0.5,
        quorum_weight_pct=rng.choice([0, 0, rng.randint(1, 100)]),
        quorum_orgs_pct=rng.choice([0, 0, rng.randint(1, 100)]),
        quorum_mode=rng.choice(["and", "or"]),
        tie=rng.choice(["rejected", "chair"]),
    )
    if method == "yes_no_abstain":
        return PollSpec(
            method, YES_NO_ABSTAIN, 1, rng.random() < 0.5, rng.random() < 0.5, False, rules
        )
    options = [f"c{i}" for i in range(rng.randint(2, 7))]
    if rng.random() < 0.5:
        options.append(ABSTAIN)
    candidates = len([o for o in options if o != ABSTAIN])
    if method == "single":
        return PollSpec(
            method, tuple(options), 1, rng.random() < 0.5, rng.random() < 0.5, False, rules
        )
    return PollSpec(
        method, tuple(options), rng.randint(1, candidates), False, rng.random() < 0.5, False, rules
    )


def random_vote(rng: random.Random, spec: PollSpec, weight: int) -> dict[str, Any]:
    """A valid ballot for a voter of `weight`."""
    if spec.allow_split and rng.random() < 0.4:
        keys = rng.sample(spec.options, rng.randint(1, len(spec.options)))
        cuts = sorted(rng.randint(0, weight) for _ in range(len(keys) - 1))
        units = [b - a for a, b in zip([0, *cuts], [*cuts, weight], strict=True)]
        return {"split": dict(zip(keys, units, strict=True))}
    if spec.method == "multiple" and rng.random() < 0.8:
        if ABSTAIN in spec.options and rng.random() < 0.1:
            return {"choices": [ABSTAIN]}
        k = rng.randint(1, spec.max_choices)
        return {"choices": rng.sample(spec.candidates, k)}
    return {"choice": rng.choice(spec.options)}


def random_poll(
    rng: random.Random, voters: int, ballots: int, *, off_roll: int = 0
) -> tuple[PollSpec, list[RollEntry], list[tuple[str, dict[str, Any]]]]:
    """A random spec, roll and ballot list (some voters re-vote; `off_roll` strangers)."""
    spec = random_spec(rng)
    roll = make_roll(
        [rng.randint(1, 30) for _ in range(voters)],
        [rng.random() < 0.7 for _ in range(voters)],
        secret=spec.secret,
    )
    votes = []
    for _ in range(ballots):
        if off_roll and rng.random() < 0.05:
            votes.append((f"stranger{rng.randrange(off_roll)}", random_vote(rng, spec, 5)))
        elif roll:
            entry = rng.choice(roll)
            votes.append((entry.voter, random_vote(rng, spec, entry.weight)))
    return spec, roll, votes


# ---- hypothesis strategies (small, tie-prone polls) -----------------------------------------


@st.composite
def rules_strategy(draw: st.DrawFn) -> Rules:
    majority = draw(st.sampled_from(MAJORITIES))
    pct = st.integers(1, 100)
    quorum = st.one_of(st.just(0), st.sampled_from([25, 50, 66, 100]), pct)
    return Rules(
        majority=majority,
        double_weight_pct=draw(pct) if majority == "double" else 0,
        double_orgs_pct=draw(pct) if majority == "double" else 0,
        abstentions_count=draw(st.booleans()),
        quorum_weight_pct=draw(quorum),
        quorum_orgs_pct=draw(quorum),
        quorum_mode=draw(st.sampled_from(["and", "or"])),
        tie=draw(st.sampled_from(["rejected", "chair"])),
    )


@st.composite
def specs(draw: st.DrawFn) -> PollSpec:
    method = draw(st.sampled_from(["yes_no_abstain", "single", "multiple"]))
    rules = draw(rules_strategy())
    revote = draw(st.booleans())
    if method == "yes_no_abstain":
        return PollSpec(method, YES_NO_ABSTAIN, 1, draw(st.booleans()), revote, False, rules)
    candidates = tuple(f"c{i}" for i in range(draw(st.integers(2, 5))))
    options = candidates + ((ABSTAIN,) if draw(st.booleans()) else ())
    if method == "single":
        return PollSpec(method, options, 1, draw(st.booleans()), revote, False, rules)
    k = draw(st.integers(1, len(candidates)))
    return PollSpec(method, options, k, False, revote, False, rules)


@st.composite
def votes_for(draw: st.DrawFn, spec: PollSpec, weight: int) -> dict[str, Any]:
    kinds = ["choice"] + (["split"] if spec.allow_split else [])
    kinds += ["choices"] if spec.method == "multiple" else []
    kind = draw(st.sampled_from(kinds))
    if kind == "choice":
        return {"choice": draw(st.sampled_from(spec.options))}
    if kind == "choices":
        if ABSTAIN in spec.options and draw(st.integers(0, 5)) == 0:
            return {"choices": [ABSTAIN]}
        picked = draw(
            st.lists(
                st.sampled_from(spec.candidates), min_size=1, max_size=spec.max_choices, unique=True
            )
        )
        return {"choices": picked}
    keys = draw(st.lists(st.sampled_from(spec.options), min_size=1, unique=True))
    units = [0] * len(keys)
    for _ in range(weight):  # hand out the weight unit by unit: any split is reachable
        units[draw(st.integers(0, len(keys) - 1))] += 1
    return {"split": dict(zip(keys, units, strict=True))}


@st.composite
def polls(
    draw: st.DrawFn, max_voters: int = 8, max_ballots: int = 16
) -> tuple[PollSpec, list[RollEntry], list[tuple[str, dict[str, Any]]]]:
    """(spec, roll, votes): small rolls with small weights, so ties and exact thresholds
    (the interesting cases) come up often. Includes ballots from voters not on the roll."""
    spec = draw(specs())
    n = draw(st.integers(0, max_voters))
    roll = make_roll(
        draw(st.lists(st.integers(1, 6), min_size=n, max_size=n)),
        draw(st.lists(st.booleans(), min_size=n, max_size=n)),
    )
    voters = [entry.voter for entry in roll] + ["stranger"]
    weights = {entry.voter: entry.weight for entry in roll} | {"stranger": 3}
    votes = []
    for _ in range(draw(st.integers(0, max_ballots))):
        voter = draw(st.sampled_from(voters))
        # a valid ballot for the voter, then validated the same way the app would
        vote = draw(votes_for(spec, weights[voter]))
        validate_choice(spec, weights[voter], vote)
        votes.append((voter, vote))
    return spec, roll, votes
