"""docs/audit.md's Python snippets run, unchanged, against a real bundle.

The auditor's guide promises that a few lines of Python repeat the verifier's checks; this
test keeps that promise true whenever the format or the rules change.
"""

from __future__ import annotations

import json
import re
import runpy
from pathlib import Path

import pytest
from ballots_testkit import build_poll, make_roll

from ballots.bundle import write_bundle
from ballots.checkpoint import make_checkpoint
from ballots.ledger import inclusion_proof, leaf_hash, root
from ballots.polls import PollSpec, Rules
from ballots.result import receipt

DOC = Path(__file__).resolve().parents[2] / "docs" / "audit.md"


def _snippets() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_guide_has_its_snippets() -> None:
    assert len(_snippets()) == 5


@pytest.mark.parametrize(("tie", "split"), [("chair", False), ("rejected", True)])
def test_every_snippet_runs_against_a_real_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tie: str, split: bool
) -> None:
    spec = PollSpec(
        "yes_no_abstain",
        allow_split=split,
        allow_revote=True,
        rules=Rules(quorum_weight_pct=50, quorum_orgs_pct=40, quorum_mode="or", tie=tie),
    )
    roll = make_roll([5, 3, 2, 7, 1], [True, False, False, True, False])
    votes = [
        ("v0", {"choice": "yes"}),
        ("v1", {"choice": "no"}),
        ("v2", {"split": {"no": 2}} if split else {"choice": "no"}),
        ("v1", {"choice": "abstain"}),
        ("stranger", {"choice": "yes"}),
    ]
    built = build_poll(spec, roll, votes)
    dest = write_bundle(tmp_path / "bundle", **built.files)
    leaves = [leaf_hash(line) for line in built.lines]
    (dest / "proof.json").write_text(
        json.dumps(
            {
                "receipt": receipt(built.lines[2]),
                "leaf_index": 2,
                "tree_size": len(leaves),
                "proof": [p.hex() for p in inclusion_proof(leaves, 2)],
            }
        )
    )
    (dest / "checkpoint.txt").write_text(
        make_checkpoint(
            "asamblea.example/polls/42", len(leaves), root(leaves), built.key, "asamblea"
        ),
        encoding="utf-8",
    )
    monkeypatch.chdir(dest)
    for number, snippet in enumerate(_snippets(), start=1):
        script = tmp_path / f"snippet{number}.py"
        script.write_text(snippet, encoding="utf-8")
        runpy.run_path(str(script), run_name="__main__")


def test_the_inclusion_snippet_rejects_a_foreign_receipt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = build_poll(
        PollSpec("yes_no_abstain"),
        make_roll([1, 1]),
        [("v0", {"choice": "yes"}), ("v1", {"choice": "no"})],
    )
    dest = write_bundle(tmp_path / "bundle", **built.files)
    leaves = [leaf_hash(line) for line in built.lines]
    proof = {
        "receipt": leaf_hash(b"forged").hex(),
        "leaf_index": 0,
        "tree_size": 2,
        "proof": [leaves[1].hex()],
    }
    (dest / "proof.json").write_text(json.dumps(proof))
    monkeypatch.chdir(dest)
    script = tmp_path / "inclusion.py"
    script.write_text(_snippets()[3], encoding="utf-8")
    with pytest.raises(AssertionError, match="NOT in the ledger"):
        runpy.run_path(str(script), run_name="__main__")
