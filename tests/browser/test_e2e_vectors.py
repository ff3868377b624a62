"""The browser's implementation of the secret-poll protocol passes the same JSON vectors as
the Python reference (docs/e2e-protocol.md §12), byte for byte, in Debian's Chromium, loaded
as the voting page loads it (app CSP, nonces, Subresource Integrity)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ballots.canonical import canonical_json
from tests.browser.e2e_page import open_scripts_page
from tests.browser.helpers import watch_problems

VECTORS = Path(__file__).resolve().parents[1] / "ballots" / "e2e_vectors"
HARNESS = (Path(__file__).resolve().parent / "e2e_vectors.js").read_text(encoding="utf-8")


def _load(name: str) -> Any:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def vectors() -> dict[str, Any]:
    return {"ristretto": _load("ristretto255.json"), "primitives": _load("primitives.json"),
            "ballots": _load("ballots.json"), "ceremony": _load("ceremony.json")}


@pytest.fixture(scope="module")
def computed(browser, _server_thread, vectors) -> Iterator[dict[str, Any]]:
    """Everything the browser computed from the vectors: one run for the whole module (the
    page needs the app's static files, not its database)."""
    context = browser.new_context()
    problems: list[str] = []
    try:
        page = context.new_page()
        watch_problems(page, problems)
        open_scripts_page(page, _server_thread.url)
        yield page.evaluate(HARNESS, vectors)
    finally:
        context.close()
    assert not problems, problems


def test_group_encodings_match_rfc_9496(computed, vectors):
    assert computed["multiples"] == vectors["ristretto"]["multiples"]
    assert computed["multiplesDecoded"] == vectors["ristretto"]["multiples"]
    refusals = computed["invalidRefused"]
    assert len(refusals) == len(vectors["ristretto"]["invalid"])
    assert all(reason and "canonical ristretto255" in reason for reason in refusals), refusals
    assert computed["identityRefused"] == "p is the identity element"


def test_primitive_vectors(computed, vectors):
    p = vectors["primitives"]
    assert computed["draws"] == p["drbg"]["draws"]
    assert computed["keys"] == p["keys"]
    assert computed["encryptions"] == p["encryptions"]
    assert computed["challenges"] == p["challenges"]
    assert computed["schnorr"] == p["schnorr"]["proof"]
    assert computed["equality"] == p["equality"]["proof"]
    assert computed["oneOf"] == p["one_of"]["proof"]
    assert computed["schnorrVerifies"] and computed["equalityVerifies"]
    assert computed["oneOfVerifies"]
    # Strong Fiat–Shamir: the same proof fails for another subject, extra item or statement.
    assert computed["schnorrOtherSubject"] is False
    assert computed["equalityOtherExtra"] is False
    assert computed["oneOfOtherValues"] is False


def test_ballots_are_made_byte_for_byte(computed, vectors):
    cases = vectors["ballots"]["valid"]
    assert len(computed["ballots"]) == len(cases) == 5
    for got, case in zip(computed["ballots"], cases, strict=True):
        assert got["fingerprint"] == case["fingerprint"]
        assert got["votingKey"] == case["voting_key"]
        assert got["canonical"].encode() == canonical_json(case["ballot"]), case["voter"]
        assert got["signature"] == case["signature"]
        assert got["hash"] == case["hash"]
        assert got["opening"] == case["opening"]


def test_valid_ballots_pass_every_check_and_open_to_their_vote(computed, vectors):
    for got, case in zip(computed["ballots"], vectors["ballots"]["valid"], strict=True):
        assert got["check"] == {"ok": True, "check": "ballot", "reason": "valid"}
        opened = got["opened"]
        assert opened["ok"] and opened["check"] == "challenge"
        vote = case["vote"]
        if "choice" in vote or "choices" in vote:
            assert opened["vote"] == {"choices": vote.get("choices") or [vote["choice"]]}
        else:
            options = case["poll"]["poll"]["options"]
            assert opened["vote"] == {"split": {key: vote["split"].get(key, 0) for key in options}}


def test_invalid_ballots_fail_the_check_the_vectors_name(computed, vectors):
    expected = [(bad["name"], bad["expect"]) for bad in vectors["ballots"]["invalid"]]
    got = [(verdict["name"], verdict["check"]) for verdict in computed["invalid"]]
    assert got == expected
    assert not any(verdict["ok"] for verdict in computed["invalid"])
