"""Synthetic polls shaped like the app's: a frozen roll of organizations with weights by the
square root of their members, and ballot lines built exactly as `cast_ballot` builds them
(`ballots.result.ballot_line` with `{"by": "own"}` and an RFC 3339 millisecond `cast_at`)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from ballots.polls import PollSpec, Rules
from ballots.result import ballot_line, jsonl, ledger_root, roll_lines
from ballots.tally import BallotLine, RollEntry

ASSEMBLY = {"id": 1, "title": "Asamblea General Ordinaria 2026"}
OPENED_AT = "2026-05-14T14:00:00.000Z"
CLOSED_AT = "2026-05-14T14:10:00.000Z"
PREFIXES = ("Cooperativa Agraria Cafetalera", "Asociación de Pequeños Productores",
            "Unión de Apicultores", "Cooperativa de Cacaoteros", "Federación Bananera")
COUNTRIES = ("Perú", "México", "Colombia", "Nicaragua", "República Dominicana", "Bolivia")


@dataclass(frozen=True)
class SyntheticPoll:
    spec: PollSpec
    roll: list[RollEntry]
    roll_bytes: bytes
    votes: list[dict[str, Any]]  # the vote field of each ballot, in ledger order
    lines: list[bytes]  # ballot lines (ledger leaves), in ledger order
    ballots: list[BallotLine]
    ballots_jsonl: bytes
    root: str


def organization_name(number: int) -> str:
    return (f"{PREFIXES[number % len(PREFIXES)]} Nº {number} "
            f"«{COUNTRIES[number % len(COUNTRIES)]}» Ltda.")


def cast_at(seq: int) -> str:
    """Ballots spread over the ten minutes the poll stays open."""
    millis = seq * 600_000 // 100_000
    return f"2026-05-14T14:{millis // 60_000:02d}:{millis // 1000 % 60:02d}.{millis % 1000:03d}Z"


def spec() -> PollSpec:
    # Split votes allowed, so a tenth of the ballots take the general path of the tally.
    return PollSpec("yes_no_abstain", allow_split=True, rules=Rules(quorum_weight_pct=50))


def make_poll(ballots: int, seed: int = 2026) -> SyntheticPoll:
    """A closed poll with `ballots` voting rights, every one of which voted once; one in
    ten split its weight between yes and no."""
    rng = random.Random(seed)
    roll = [
        RollEntry(voter=f"org-{number}", weight=max(1, math.isqrt(rng.randint(5, 1600))),
                  present=rng.random() < 0.85, organization=organization_name(number))
        for number in range(1, ballots + 1)
    ]
    votes: list[dict[str, Any]] = []
    for entry in roll:
        if rng.random() < 0.1:
            yes = rng.randint(0, entry.weight)
            votes.append({"split": {"yes": yes, "no": entry.weight - yes}})
        else:
            votes.append({"choice": rng.choice(("yes", "yes", "no", "abstain"))})
    lines = [ballot_line(seq, entry.voter, vote, cast_at(seq), {"by": "own"})
             for seq, (entry, vote) in enumerate(zip(roll, votes, strict=True))]
    return SyntheticPoll(
        spec=spec(),
        roll=roll,
        roll_bytes=roll_lines(roll),
        votes=votes,
        lines=lines,
        ballots=[BallotLine(seq, entry.voter, vote)
                 for seq, (entry, vote) in enumerate(zip(roll, votes, strict=True))],
        ballots_jsonl=jsonl(lines),
        root=ledger_root(lines),
    )


def poll_of(ctx: Any, ballots: int) -> SyntheticPoll:
    """The synthetic poll of that size, built once per run and shared by the benchmarks."""
    key = f"poll:{ballots}"
    if key not in ctx.shared:
        ctx.log(f"building a synthetic poll of {ballots:,} ballots")
        ctx.shared[key] = make_poll(ballots)
    poll: SyntheticPoll = ctx.shared[key]
    return poll
