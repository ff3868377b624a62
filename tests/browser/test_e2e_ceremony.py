"""The browser judges the trustees' key ceremony and checks the threshold decryption as the
Python reference does (docs/e2e-protocol.md §7, §10): ceremony.json's vectors, and
transcripts the reference makes with a cheating dealer, a bad signature, too few dealers and
an unfounded complaint — the browser reaches the same outcome, reason for reason."""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ballots.canonical import canonical_json
from ballots.e2e import dkg, group
from ballots.e2e.encoding import point_hex
from ballots.e2e.proofs import prove_equality
from ballots.e2e.randomness import OsRandomness
from ballots.e2e.transcript import integer
from tests.browser.e2e_page import VERIFIER_SCRIPTS, open_scripts_page
from tests.browser.helpers import watch_problems

BALLOT_TESTS = Path(__file__).resolve().parents[1] / "ballots"
if str(BALLOT_TESTS) not in sys.path:  # the reference's seeded ceremony (tests/ballots)
    sys.path.insert(0, str(BALLOT_TESTS))
from e2e_ceremony import Run, run_ceremony, trustee_key  # noqa: E402
from e2e_seeds import seeded  # noqa: E402

VECTORS = BALLOT_TESTS / "e2e_vectors"
HARNESS = (Path(__file__).resolve().parent / "e2e_ceremony.js").read_text(encoding="utf-8")
SHARE = "asamblea.decryption-share/1"


def _garbage_to(label: str, victim: int) -> Any:
    """Dealer 1 of ceremony `label` seals 48 zero bytes to `victim`, re-signing its dealing."""
    def tamper(index: int, signed: dict[str, Any]) -> dict[str, Any]:
        if index != 1:
            return signed
        message = copy.deepcopy(signed["message"])
        for item in message["shares"]:
            if item["to"] == victim:
                item["ciphertext"] = "00" * 48
        return {"message": message,
                "signature": trustee_key(label, 1).sign(canonical_json(message)).hex()}
    return tamper


def _unfounded_complaint(run: Run, label: str) -> dict[str, Any]:
    """Trustee 3 complains, with an honest proven K, about dealer 2's good share."""
    transport_secret = seeded(f"{label}/3").scalar()  # the first draw of make_card
    dealing = next(d for d in run.dealings if d["message"]["index"] == 2)
    ephemeral = bytes.fromhex(next(s["ephemeral"] for s in dealing["message"]["shares"]
                                   if s["to"] == 3))
    proof = prove_equality(dkg.TAG_COMPLAINT, run.ceremony.context(3), transport_secret,
                           group.Point(ephemeral), [integer(2)], OsRandomness())
    message = {"format": dkg.COMPLAINT, "ceremony": run.ceremony.fingerprint().hex(),
               "index": 3, "against": 2,
               "shared": point_hex(group.mul(transport_secret, group.Point(ephemeral))),
               "proof": proof.to_dict()}
    return {"message": message,
            "signature": trustee_key(label, 3).sign(canonical_json(message)).hex()}


def _transcripts() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(transcript, the reference's outcome) for each troubled ceremony."""
    runs = [
        run_ceremony(label="cheat-js", tamper_dealing=_garbage_to("cheat-js", 3)),
        run_ceremony(label="sloppy-js", tamper_dealing=lambda i, s:
                     {**s, "signature": "00" * 64} if i == 3 else s),
        run_ceremony(n=2, k=2, label="fragile-js", tamper_dealing=lambda i, s:
                     {**s, "signature": "00" * 64} if i == 1 else s),
    ]
    out = []
    for run in runs:
        out.append((run.transcript(), run.outcome))
    alarm = run_ceremony(label="alarm-js")
    transcript = alarm.transcript()
    transcript["complaints"] = [_unfounded_complaint(alarm, "alarm-js")]
    out.append((transcript, dkg.outcome(alarm.ceremony, alarm.cards, alarm.dealings,
                                        transcript["complaints"])))
    return [(t, {"trustees": o.trustees.to_dict() if o.trustees else None,
                 "excluded": {str(i): why for i, why in o.excluded.items()},
                 "setAside": list(o.set_aside)}) for t, o in out]


@pytest.fixture(scope="module")
def judged(browser, _server_thread) -> Iterator[tuple[dict[str, Any], list[Any]]]:
    vector = json.loads((VECTORS / "ceremony.json").read_text(encoding="utf-8"))
    others = _transcripts()
    context = browser.new_context()
    problems: list[str] = []
    try:
        page = context.new_page()
        watch_problems(page, problems)
        open_scripts_page(page, _server_thread.url, VERIFIER_SCRIPTS)
        forged = copy.deepcopy(vector["decryption"]["shares"][0])
        forged["message"]["shares"][0]["share"] = (
            vector["decryption"]["shares"][1]["message"]["shares"][0]["share"])
        forged["signature"] = trustee_key("ceremony", 1).sign(
            canonical_json(forged["message"])).hex()
        got = page.evaluate(HARNESS, {"vector": vector, "forged": forged,
                                      "transcripts": [t for t, _ in others]})
        yield got, [expected for _, expected in others]
    finally:
        context.close()
    assert not problems, problems


def test_the_vector_ceremony_gives_its_trustees_and_keys(judged):
    got, _ = judged
    vector = json.loads((VECTORS / "ceremony.json").read_text(encoding="utf-8"))
    assert got["trustees"] == vector["trustees"]
    assert got["excluded"] == {}
    assert got["electionKey"] == vector["election_key"]
    assert got["verificationKeys"] == vector["verification_keys"]
    assert got["sharesMatchKeys"] == [True, True, True]


def test_two_of_three_trustees_decrypt_the_total(judged):
    got, _ = judged
    assert got["shareIndices"] == [1, 3]
    assert got["total"] == 42
    assert got["totalOutOfBound"] is None
    assert got["oneShareOnly"] == ["decryption_shares", "1 decryption shares, 2 needed"]


def test_bad_decryption_shares_are_refused_by_name(judged):
    got, _ = judged
    assert got["refusals"] == [
        ["decryption_shares", f"the {SHARE} of trustee 1 is not signed by its key"],
        ["decryption_shares", "trustee 1's shares are for another poll"],
        ["decryption_shares", f"the {SHARE} of trustee 1 is not signed by its key"],
        ["decryption_shares", "trustee 1's share of yes/weight fails its proof"],
    ]


def test_troubled_ceremonies_end_as_the_reference_judges_them(judged):
    got, expected = judged
    assert got["others"] == expected
    cheat, sloppy, fragile, alarm = expected
    assert cheat["excluded"] == {"1": "trustee 1 dealt trustee 3 a bad share"}
    # An unsigned dealing is set aside (anyone could post it); its dealer then has none.
    assert sloppy["excluded"] == {"3": "trustee 3 has no valid dealing"}
    assert any("not signed" in message for message in sloppy["setAside"])
    assert fragile["trustees"] is None
    assert alarm["setAside"] == ["the complaint of trustee 3 against 2 is not upheld"]
