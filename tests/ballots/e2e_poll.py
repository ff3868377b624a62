"""A whole secret poll in one process, from fixed seeds: ceremony, roll, key roll, signed
encrypted ballots (with revotes and a re-registered key), trustees' decryption shares, the
signed result and the audit bundle's files (docs/e2e-protocol.md §11). For tests, the
end-to-end vector and the benchmarks."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from e2e_ceremony import Run, run_ceremony
from e2e_seeds import seeded, voting_key

from ballots.e2e.closing import bundle_files, tally_of
from ballots.e2e.decryption import make_shares
from ballots.e2e.keyroll import KeyEvent
from ballots.e2e.ledger import ledger_line
from ballots.e2e.params import PollParams
from ballots.e2e.randomness import Randomness
from ballots.e2e.vote import Voter, choice_ballot, divided_ballot, sign_ballot
from ballots.polls import PollSpec, Rules
from ballots.result import roll_lines
from ballots.signing import raw_public_key
from ballots.tally import RollEntry

ASSEMBLY = {"id": 3, "title": "Asamblea General 2026"}
SCRIPTS = (
    ("e2e/vendor/noble.js", hashlib.sha256(b"group library").hexdigest()),
    ("e2e/asamblea-e2e.js", hashlib.sha256(b"voting script v1").hexdigest()),
)


@dataclass(frozen=True)
class Cast:
    """One ballot to cast: the right (roll index) and its vote (`choice`, `choices` or
    `split`)."""

    right: int
    vote: Mapping[str, Any]


@dataclass
class SecretPoll:
    """A built poll: its parts, and the bundle's files."""

    params: PollParams
    run: Run
    roll: list[RollEntry]
    files: dict[str, bytes]
    result: dict[str, Any]
    signing_key: Any
    plain: list[dict[str, Any]] = field(default_factory=list)  # the votes as plain ballots
    voters: dict[str, Any] = field(default_factory=dict)


def _keys(
    label: str, roll: list[RollEntry], re_register: Sequence[int]
) -> tuple[dict[str, Any], list[KeyEvent]]:
    """Every right registers a key; rights in `re_register` then get a new one."""
    keys = {entry.voter: voting_key(f"{label}/{entry.voter}") for entry in roll}
    events = [
        KeyEvent(
            n,
            entry.voter,
            raw_public_key(keys[entry.voter].public_key()),
            "own",
            "registered",
            "2026-05-04T14:00:00Z",
        )
        for n, entry in enumerate(roll)
    ]
    for i in re_register:
        voter = roll[i].voter
        keys[voter] = voting_key(f"{label}/{voter}/new")
        events.append(
            KeyEvent(
                len(events),
                voter,
                raw_public_key(keys[voter].public_key()),
                "own",
                "re_registered",
                "2026-05-04T14:30:00Z",
            )
        )
    return keys, events


def _cast(
    params: PollParams,
    roll: list[RollEntry],
    keys: dict[str, Any],
    events: int,
    casts: Sequence[Cast],
    rand: Randomness,
) -> tuple[list[bytes], list[dict[str, Any]]]:
    """The ledger lines of `casts`, in order (a right casting twice revotes)."""
    fp = params.fingerprint()
    lines, previous, plain = [], {}, []
    for n, cast in enumerate(casts):
        entry = roll[cast.right]
        who = Voter(params, fp, entry.voter, keys[entry.voter], previous.get(entry.voter))
        if params.divided:
            ballot, _ = divided_ballot(who, entry.weight, cast.vote["split"], rand)
        else:
            ballot, _ = choice_ballot(who, cast.vote, rand)
        signature = sign_ballot(ballot, keys[entry.voter])
        lines.append(
            ledger_line(
                n,
                entry.voter,
                f"2026-05-04T15:{n // 60:02d}:{n % 60:02d}Z",
                events,
                ballot.to_dict(),
                signature,
            )
        )
        previous[entry.voter] = ballot.hash()
        plain.append({"voter": entry.voter, **cast.vote})
    return lines, plain


def build_secret_poll(
    spec: PollSpec,
    weights: Sequence[int],
    casts: Sequence[Cast],
    *,
    label: str = "poll",
    decrypting: Sequence[int] = (1, 3),
    re_register: Sequence[int] = (),
    rand: Randomness | None = None,
    run: Run | None = None,
) -> SecretPoll:
    """Build a closed secret poll. Rights are "org-0", "org-1", … with `weights`; every
    right registers a key; rights in `re_register` get a new key before they vote (the old
    one is superseded); `casts` are cast in order (a right casting twice revotes);
    trustees `decrypting` post shares."""
    run = run or run_ceremony(label=f"{label}/ceremony")
    assert run.outcome.trustees is not None
    roll = [RollEntry(f"org-{i}", w, i % 3 != 2, f"Cooperativa {i}") for i, w in enumerate(weights)]
    params = PollParams(
        poll_id=11,
        title="Elección del consejo",
        spec=spec,
        roll_sha256=hashlib.sha256(roll_lines(roll)).hexdigest(),
        trustees=run.outcome.trustees,
        script_files=SCRIPTS,
    )
    keys, events = _keys(label, roll, re_register)
    lines, plain = _cast(params, roll, keys, len(events), casts, rand or seeded(f"{label}/ballots"))
    ledger = tally_of(params, roll, events, lines)
    decryption = [
        make_shares(
            params.fingerprint(),
            run.ceremony,
            i,
            run.keys[i],
            run.shares[i],
            ledger.aggregates,
            spec.options,
            seeded(f"{label}/decrypt/{i}"),
        )
        for i in decrypting
    ]
    signing_key = voting_key(f"{label}/assembly")
    files, result = bundle_files(
        assembly=ASSEMBLY,
        params=params,
        ceremony=run.ceremony,
        transcript=run.transcript(),
        roll=roll,
        events=events,
        lines=lines,
        tally=ledger,
        decryption=decryption,
        signing_key=signing_key,
        opened_at="2026-05-04T15:00:00Z",
        closed_at="2026-05-04T16:00:00Z",
    )
    return SecretPoll(params, run, roll, files, result, signing_key, plain, keys)


def yes_no_poll(label: str = "poll", **kw: Any) -> SecretPoll:
    """Five rights of weights 1, 3, 5, 2, 4 in a yes/no/abstain poll with revotes: org-1
    votes twice, org-3's key is re-registered before it votes, org-4 does not vote."""
    spec = PollSpec(
        method="yes_no_abstain", allow_revote=True, secret=True, rules=Rules(quorum_weight_pct=50)
    )
    casts = [
        Cast(0, {"choice": "yes"}),
        Cast(1, {"choice": "no"}),
        Cast(2, {"choice": "yes"}),
        Cast(1, {"choice": "abstain"}),
        Cast(3, {"choice": "no"}),
    ]
    return build_secret_poll(spec, [1, 3, 5, 2, 4], casts, label=label, re_register=(3,), **kw)
