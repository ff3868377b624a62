"""The protocol's JSON test vectors (docs/e2e-protocol.md §12): the code produces exactly
the stored files, and the stored files verify on their own — as a second implementation
(the browser's) must also show."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import e2e_vectors
import pytest
from e2e_ceremony import ceremony_vectors

from ballots.e2e import dkg, elgamal, group
from ballots.e2e.ballot_check import CastContext, PollCheck, check_cast
from ballots.e2e.ceremony import Ceremony
from ballots.e2e.challenge import check_opening, parse_opening
from ballots.e2e.decryption import AggregateKey, combine, read_shares
from ballots.e2e.dlog import bounded_dlog
from ballots.e2e.elgamal import Ciphertext
from ballots.e2e.encoding import decode_hex, decode_point, decode_scalar, scalar_hex
from ballots.e2e.params import PollParams
from ballots.e2e.proofs import (
    EqualityProof,
    OneOfProof,
    SchnorrProof,
    verify_equality,
    verify_one_of,
    verify_schnorr,
)
from ballots.e2e.randomness import SeededRandomness
from ballots.e2e.transcript import ProofContext, challenge
from ballots.e2e.trustees import Trustees
from ballots.e2e.verify import verify_secret_bundle

HERE = Path(__file__).parent / "e2e_vectors"


def _stored(name: str) -> Any:
    return json.loads((HERE / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("primitives.json", e2e_vectors.primitives),
        ("ballots.json", e2e_vectors.ballots),
        ("ceremony.json", ceremony_vectors),
        ("poll-expected.json", e2e_vectors.poll_expected),
    ],
)
def test_the_code_produces_the_stored_vectors(name: str, build: Any) -> None:
    assert json.loads(json.dumps(build())) == _stored(name), (
        f"{name} changed: if on purpose, run python tests/ballots/e2e_vectors.py"
    )


def _context(v: dict[str, str]) -> ProofContext:
    return ProofContext(
        bytes.fromhex(v["fingerprint"]), v["subject"], bytes.fromhex(v["subject_key"])
    )


def test_primitive_vectors_verify() -> None:
    v = _stored("primitives.json")
    drbg = SeededRandomness(v["drbg"]["seed"].encode())
    assert [scalar_hex(drbg.scalar()) for _ in v["drbg"]["draws"]] == v["drbg"]["draws"]
    for key in v["keys"]:
        secret = decode_scalar(key["secret"], "secret")
        assert SeededRandomness(key["seed"].encode()).scalar() == secret
        assert group.base_mul(secret).hex() == key["public"]
    for enc in v["encryptions"]:
        y = decode_point(enc["public_key"], "y")
        ct = elgamal.encrypt(y, enc["message"], decode_scalar(enc["randomness"], "r"))
        assert ct.to_dict() == {"alpha": enc["alpha"], "beta": enc["beta"]}
    for ch in v["challenges"]:
        got = challenge(
            ch["tag"],
            _context(ch),
            [bytes.fromhex(x) for x in ch["statement"]],
            [bytes.fromhex(x) for x in ch["commitments"]],
        )
        assert scalar_hex(got) == ch["challenge"]
    s = v["schnorr"]
    assert verify_schnorr(
        s["tag"],
        _context(s),
        decode_point(s["public"], "X"),
        SchnorrProof.from_dict(s["proof"], "proof"),
    )
    e = v["equality"]
    assert verify_equality(
        e["tag"],
        _context(e),
        decode_point(e["public"], "X"),
        decode_point(e["base"], "A"),
        decode_point(e["image"], "D"),
        [bytes.fromhex(x) for x in e["extra"]],
        EqualityProof.from_dict(e["proof"], "proof"),
    )
    o = v["one_of"]
    ct = Ciphertext.from_dict({"alpha": o["alpha"], "beta": o["beta"]}, "ct")
    proof = OneOfProof.from_dict(o["proof"], "proof", len(o["values"]))
    extra = [bytes.fromhex(x) for x in o["extra"]]
    y = decode_point(o["public_key"], "Y")
    assert verify_one_of(o["tag"], _context(o), y, ct, o["values"], extra, proof)
    assert not verify_one_of(o["tag"], _context(o), y, ct, o["values"][:-1] + [9], extra, proof)


def _cast(
    case: dict[str, Any], ballot: Any, signature: str, cast: dict[str, Any] | None = None
) -> tuple[str, bool]:
    params = PollParams.from_dict(case["poll"])
    assert params.fingerprint().hex() == case["fingerprint"]
    cast = cast or {
        "voter": case["voter"],
        "weight": case["weight"],
        "authorized_key": case["voting_key"],
        "previous": None,
    }
    key = cast["authorized_key"]
    context = CastContext(
        cast["voter"], cast["weight"], bytes.fromhex(key) if key else None, cast["previous"]
    )
    verdict, _ = check_cast(PollCheck.of(params), ballot, bytes.fromhex(signature), context)
    return verdict.check, verdict.ok


def test_ballot_vectors_verify_and_open() -> None:
    v = _stored("ballots.json")
    for case in v["valid"]:
        assert _cast(case, case["ballot"], case["signature"]) == ("ballot", True)
        params = PollParams.from_dict(case["poll"])
        ballot = PollCheck.of(params).parse(case["ballot"])
        assert ballot.hash() == case["hash"]
        verdict, opened = check_opening(
            params, ballot, parse_opening(case["opening"]), case["weight"]
        )
        assert verdict.ok
        vote = case["vote"]
        if "split" in vote:
            assert opened == {"split": {k: vote["split"].get(k, 0) for k in params.spec.options}}
        else:
            assert opened == {"choices": vote.get("choices") or [vote["choice"]]}
        assert decode_hex(case["voting_key"], "key", 32)


def test_invalid_ballot_vectors_fail_their_check() -> None:
    v = _stored("ballots.json")
    for case in v["invalid"]:
        assert _cast(v["valid"][case["case"]], case["ballot"], case["signature"], case["cast"]) == (
            case["expect"],
            False,
        ), case["name"]


def test_a_changed_opening_is_caught() -> None:
    case = _stored("ballots.json")["valid"][0]
    params = PollParams.from_dict(case["poll"])
    ballot = PollCheck.of(params).parse(case["ballot"])
    opening = case["opening"] | {"messages": [1, 0, 0]}
    verdict, vote = check_opening(params, ballot, parse_opening(opening))
    assert (verdict.ok, verdict.check, vote) == (False, "challenge", None)


def test_ceremony_vectors_verify() -> None:
    v = _stored("ceremony.json")
    transcript = v["ceremony"]
    ceremony = Ceremony.from_dict(transcript["setup"])
    outcome = dkg.outcome(
        ceremony, transcript["cards"], transcript["dealings"], transcript["complaints"]
    )
    assert outcome.trustees == Trustees.from_dict(v["trustees"])
    assert outcome.trustees.election_key().hex() == v["election_key"]
    for index, key in v["verification_keys"].items():
        assert outcome.trustees.verification_key(int(index)).hex() == key
        share = decode_scalar(v["secret_shares"][index], "share")
        assert group.base_mul(share).hex() == key
    d = v["decryption"]
    ct = Ciphertext.from_dict(d["ciphertext"], "ct")
    which = AggregateKey(0, "weight")
    shares = {}
    for signed in d["shares"]:
        read = read_shares(
            ceremony, bytes.fromhex(d["poll"]), outcome.trustees, signed, {which: ct}, d["options"]
        )
        shares[read.index] = read.shares[which][0]
    assert bounded_dlog(combine(ct, shares, ceremony.threshold), 100) == d["total"]


def test_the_tiny_poll_bundle_is_reproduced_and_verifies() -> None:
    produced = e2e_vectors.poll_bundle()
    stored = {p.name: p.read_bytes() for p in (HERE / "poll").iterdir()}
    assert produced == stored
    report = verify_secret_bundle(HERE / "poll")
    assert report.ok, [c for c in report.checks if not c.ok]
    expected = _stored("poll-expected.json")
    result = json.loads(stored["result.json"])
    assert (result["tally"], result["outcome"]) == (expected["tally"], expected["outcome"])
