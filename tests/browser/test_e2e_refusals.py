"""The browser's ballots and checks under tampering (docs/e2e-protocol.md §6.4, §6.5): every
malformed, misdirected or forged ballot is refused by the check the protocol names, and the
voting key is made on the device, kept non-extractable, and signs as RFC 8032 says."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.e2e_page import open_scripts_page
from tests.browser.helpers import watch_problems

VECTORS = Path(__file__).resolve().parents[1] / "ballots" / "e2e_vectors"
HARNESS = (Path(__file__).resolve().parent / "e2e_refusals.js").read_text(encoding="utf-8")

KEYS = (Path(__file__).resolve().parent / "e2e_keys.js").read_text(encoding="utf-8")

# RFC 8032 §7.1, TEST 1 (empty message).
RFC8032_TEST1_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
RFC8032_TEST1_SIGNATURE = ("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                           "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")


@pytest.fixture(scope="module")
def page(browser, _server_thread) -> Iterator[Any]:
    context = browser.new_context()
    problems: list[str] = []
    try:
        page = context.new_page()
        watch_problems(page, problems)
        open_scripts_page(page, _server_thread.url)
        yield page
    finally:
        context.close()
    assert not problems, problems


@pytest.fixture(scope="module")
def refused(page) -> dict[str, Any]:
    ballots = json.loads((VECTORS / "ballots.json").read_text(encoding="utf-8"))
    invalid = json.loads((VECTORS / "ristretto255.json").read_text(encoding="utf-8"))["invalid"]
    return page.evaluate(HARNESS, {"cases": ballots["valid"], "invalidPoint": invalid[3]})


def _check(verdict: dict[str, Any]) -> str:
    assert verdict["ok"] is (verdict["check"] == "ballot"), verdict
    return verdict["check"]


def test_fresh_ballots_pass(refused):
    for name in ("fresh", "multipleFresh", "dividedFresh"):
        assert refused[name] == {"ok": True, "check": "ballot", "reason": "valid"}, name


NOT_CANONICAL = "is not a canonical ristretto255 encoding"


@pytest.mark.parametrize(("name", "check", "reason"), [
    ("offGroup", "ballot_format", f"ballot.choices[0].alpha {NOT_CANONICAL}"),
    ("identity", "ballot_format", "ballot.choices[1].beta is the identity element"),
    ("nonCanonical", "ballot_format", f"ballot.choices[2].alpha {NOT_CANONICAL}"),
    ("upperCase", "ballot_format", "ballot.choices[0].beta must be 64 lower-case hex digits"),
    ("scalarNotReduced", "ballot_format",
     "ballot.choices[0].proof[1].c is not reduced modulo the group order"),
    ("torsionKey", "ballot_format", "ballot.voting_key is not an Ed25519 key of prime order"),
    ("extraField", "ballot_format", None),
    ("otherPoll", "ballot_poll", None),
    ("otherRightAsIs", "ballot_voter", None),
    ("otherRightRenamed", "ballot_proof", "the 0/1 proof of option 0 does not verify"),
    ("notOnRoll", "ballot_voter", None),
    ("noKey", "ballot_key", None),
    ("supersededKey", "ballot_key", None),
    ("replayed", "ballot_previous", None),
    ("signedByOther", "ballot_signature", None),
    ("badSignature", "ballot_signature", None),
    ("twoOptions", "ballot_sum", None),
    ("multipleThree", "ballot_proof", "the count proof (1 to k choices) does not verify"),
    ("dividedOtherWeight", "ballot_range", "option 0: part and rest do not add up to the weight"),
    ("dividedHeavier", "ballot_range", None),
    # A whole option (part and rest) from a ballot giving it everything: in range, sum off.
    ("dividedPartSwapped", "ballot_sum", "the parts do not add up to the weight 5"),
])
def test_each_tampering_fails_its_named_check(refused, name, check, reason):
    assert _check(refused[name]) == check, refused[name]
    if reason is not None:
        assert refused[name]["reason"] == reason


def test_votes_the_poll_does_not_take_are_refused_before_encrypting(refused):
    assert refused["voteRefusals"] == ["VoteError"] * 8


def test_divided_votes_open_to_their_split(refused):
    assert refused["dividedOpened"] == {"split": {"yes": 2, "no": 2, "abstain": 1}}
    # One option taking the whole weight is a divided vote like any other.
    assert refused["dividedWhole"] == {"split": {"yes": 0, "no": 5, "abstain": 0}}


def test_poll_parameters_are_taken_only_in_full(refused):
    assert refused["pollRefusals"] == [
        "poll.json poll.rules must have exactly majority, double_weight_pct, double_orgs_pct, "
        "abstentions_count, quorum_weight_pct, quorum_orgs_pct, quorum_mode, tie",
        "poll.json poll.options must be distinct option keys",
        "poll.json election_key is not the sum of the trustees’ C₀",
        "trustees.commitments[0].coefficients[0] is the identity element",
        "poll.json format must be asamblea.e2e-poll/1",
        "an encrypted poll must be secret",
    ]


def test_the_benaloh_opening_checks_and_a_lie_does_not(refused):
    assert refused["opened"]["ok"] and refused["opened"]["vote"] == {"choices": ["yes"]}
    assert refused["openedLie"] == {"ok": False, "check": "challenge",
                                    "reason": "ciphertext 0 is not what was revealed", "vote": None}
    assert refused["openedShort"]["reason"] == "the opening does not match the ballot’s size"
    assert refused["wrongSigner"] == "the ballot names another voting key"


def test_the_voting_key_stays_on_the_device(page):
    keys = page.evaluate(KEYS)
    assert keys["kind"] == "webcrypto"  # Debian's Chromium has Ed25519 in WebCrypto
    assert keys["samePublicKey"] and keys["verifies"] and not keys["otherMessage"]
    assert keys["missing"] is None
    assert keys["stored"] == {"kind": "webcrypto", "extractable": False, "type": "private",
                              "hasSeed": False}
    assert keys["exportRefused"]
    assert keys["webcrypto"] == keys["noble"] == RFC8032_TEST1_SIGNATURE
    assert keys["noblePublic"] == RFC8032_TEST1_PUBLIC
    # A torsion point hidden in R passes noble's own (cofactored) check, not the page's.
    assert keys["torsionCofactored"] is True
    assert keys["torsionRefused"] is True
    # A voting key with a torsion component signs what OpenSSL and libsodium accept (see
    # docs/e2e-protocol.md, implementation notes): the page refuses the key itself.
    assert keys["torsionKeyCofactored"] is True
    assert keys["torsionKeyRefused"] is True
