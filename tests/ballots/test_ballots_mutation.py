"""Mutation testing of the verifier (required by the issue).

Real bundles are built from random polls, then changed at random the ways a tamperer,
a buggy exporter or a corrupted download would change them. Every change must make
`verify_bundle` fail, and the failing checks must include one that is meant to catch it.
"""

from __future__ import annotations

import json
import random
from typing import Any

from ballots_testkit import BuiltPoll, build_poll, random_poll
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots.bundle import Bundle
from ballots.canonical import canonical_json
from ballots.lines import split_lines
from ballots.result import jsonl, ledger_root
from ballots.signing import generate_private_key, public_key_pem, sign
from ballots.verify import verify_bundle

# mutation → the checks any one of which must catch it
CATCHERS = {
    "byte:result_json": {"signature", "result_format"},
    "byte:roll_jsonl": {"roll", "roll_format"},
    "byte:ballots_jsonl": {"ledger", "ballots_format"},
    "drop_ballot": {"ledger"},
    "swap_ballots": {"ledger", "ballots_format"},
    "swap_roll": {"roll"},
    "swap_key": {"signature", "signing_key"},
    "resign_other_key": {"signing_key"},
    "resign_tally": {"tally"},
    "resign_cast": {"tally"},
    "resign_outcome": {"outcome"},
    "resign_changed_vote": {"tally"},
}


def _bundle(files: dict[str, Any]) -> Bundle:
    return Bundle(
        result_json=files["result_json"],
        signature=files["signature"],
        public_key_pem=files["public_key_pem"],
        roll_jsonl=files["roll_jsonl"],
        ballots_jsonl=files["ballots_jsonl"],
        cosignatures=files["cosignatures"],
    )


def _resign(built: BuiltPoll, files: dict[str, Any], result: dict[str, Any]) -> None:
    files["result_json"] = canonical_json(result)
    files["signature"] = sign(built.key, files["result_json"])
    files["cosignatures"] = {}  # the tamperer cannot re-sign for the tellers


def _swap(lines: list[bytes], data: st.DataObject) -> list[bytes]:
    i = data.draw(st.integers(0, len(lines) - 1))
    j = data.draw(st.integers(0, len(lines) - 1).filter(lambda k: lines[k] != lines[i]))
    swapped = list(lines)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    return swapped


def _mutate(kind: str, built: BuiltPoll, data: st.DataObject) -> dict[str, Any] | None:
    """The bundle files with one mutation applied, or None if this poll cannot show it."""
    files = dict(built.files)
    result = json.loads(files["result_json"])
    if kind.startswith("byte:"):
        name = kind.split(":")[1]
        content = files[name]
        if not content:
            return None
        pos = data.draw(st.integers(0, len(content) - 1))
        byte = data.draw(st.integers(0, 255).filter(lambda b: b != content[pos]))
        files[name] = content[:pos] + bytes([byte]) + content[pos + 1 :]
    elif kind == "drop_ballot":
        lines, _ = split_lines(files["ballots_jsonl"])
        index = data.draw(st.integers(0, len(lines) - 1))
        files["ballots_jsonl"] = jsonl(lines[:index] + lines[index + 1 :])
    elif kind == "swap_ballots":
        files["ballots_jsonl"] = jsonl(_swap(split_lines(files["ballots_jsonl"])[0], data))
    elif kind == "swap_roll":
        lines, _ = split_lines(files["roll_jsonl"])
        if len(lines) < 2:
            return None
        files["roll_jsonl"] = jsonl(_swap(lines, data))
    elif kind == "swap_key":
        files["public_key_pem"] = public_key_pem(generate_private_key().public_key())
    elif kind == "resign_other_key":
        other = generate_private_key()
        files["public_key_pem"] = public_key_pem(other.public_key())
        files["signature"] = sign(other, files["result_json"])
    elif kind == "resign_tally":
        key = data.draw(st.sampled_from(sorted(result["tally"])))
        field = data.draw(st.sampled_from(["weight", "organizations"]))
        result["tally"][key][field] += data.draw(st.sampled_from([-1, 1, 7]))
        _resign(built, files, result)
    elif kind == "resign_cast":
        result["cast"][data.draw(st.sampled_from(["weight", "organizations"]))] += 1
        _resign(built, files, result)
    elif kind == "resign_outcome":
        if data.draw(st.booleans()):
            result["quorum_met"] = not result["quorum_met"]
        else:
            others = ["adopted", "rejected", "tie", "none", "no_quorum", "elected:c0", "elected:c1"]
            result["outcome"] = data.draw(
                st.sampled_from([o for o in others if o != result["outcome"]])
            )
        _resign(built, files, result)
    elif kind == "resign_changed_vote":
        # change a counted single-choice ballot to another option, fix the ledger root and
        # re-sign: only the recount can tell (and the voter's receipt, offline)
        weights = {entry.voter: entry.weight for entry in built.roll}
        counted: dict[str, int] = {}
        for index, ballot in enumerate(built.ballots):
            if ballot.voter in weights and (built.spec.allow_revote or ballot.voter not in counted):
                counted[ballot.voter] = index
        choices = [i for i in counted.values() if set(built.ballots[i].vote) == {"choice"}]
        if not choices:
            return None
        index = data.draw(st.sampled_from(choices))
        old = built.ballots[index].vote["choice"]
        new = data.draw(st.sampled_from([o for o in built.spec.options if o != old]))
        lines = list(built.lines)
        lines[index] = canonical_json({**json.loads(lines[index]), "choice": new})
        files["ballots_jsonl"] = jsonl(lines)
        result["ledger"]["root"] = ledger_root(lines)
        _resign(built, files, result)
    return files


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(seed=st.integers(0, 2**32 - 1), kind=st.sampled_from(sorted(CATCHERS)), data=st.data())
def test_every_mutation_is_caught_by_a_check_meant_for_it(
    seed: int, kind: str, data: st.DataObject
) -> None:
    rng = random.Random(seed)
    spec, roll, votes = random_poll(
        rng, voters=rng.randint(1, 12), ballots=rng.randint(1, 20), off_roll=3
    )
    if not votes:
        return
    built = build_poll(spec, roll, votes, cosigners=rng.randint(0, 1))
    assert verify_bundle(_bundle(built.files)).ok
    files = _mutate(kind, built, data)
    if files is None:
        return
    report = verify_bundle(_bundle(files))  # must never raise
    failed = {check.name for check in report.failed}
    assert not report.ok, f"{kind} went unnoticed"
    assert failed & CATCHERS[kind], f"{kind} caught only by {failed}"
    for check in report.failed:
        assert check.reason, check
