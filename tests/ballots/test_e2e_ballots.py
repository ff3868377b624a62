"""Encrypted ballots (docs/e2e-protocol.md §6): every kind is accepted when well-formed,
decrypts to the choice made, and each way of being wrong is refused by its named check."""

from __future__ import annotations

import copy
import ctypes
from typing import Any

import pytest
from e2e_seeds import seeded, voting_key
from e2e_vectors import poll_params, single_trustee
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots.canonical import canonical_json
from ballots.casting import BallotRejected
from ballots.e2e import elgamal, group, vote
from ballots.e2e.ballot import Ballot, EncryptedBit
from ballots.e2e.ballot_check import CastContext, PollCheck, check_cast
from ballots.e2e.ceremony import Ceremony, TrusteeEntry
from ballots.e2e.elgamal import Ciphertext
from ballots.e2e.encoding import EncodingError
from ballots.e2e.group import L, _sodium
from ballots.e2e.keyroll import parse_event
from ballots.e2e.keys import is_prime_order_key
from ballots.e2e.params import PollParams
from ballots.e2e.proofs import prove_one_of
from ballots.e2e.randomness import OsRandomness
from ballots.e2e.statements import (
    TAG_CHOICE,
    TAG_COUNT,
    ballot_context,
    choice_extra,
    count_ciphertext,
)
from ballots.e2e.vote import Voter, ballot_ciphertexts, choice_ballot, divided_ballot, sign_ballot
from ballots.signing import raw_public_key

SECRET = seeded("election").scalar()  # the 1-of-1 trustee secret of `single_trustee`
KEY = voting_key("tester")
RAW_KEY = raw_public_key(KEY.public_key())
YES_NO = poll_params("yes_no_abstain", ("yes", "no", "abstain"))
MULTI = poll_params("multiple", ("ana", "bruno", "carla", "abstain"), max_choices=2)
DIVIDED = poll_params("single", ("ana", "bruno", "carla"), split=True)


def _voter(params: PollParams, previous: str | None = None) -> Voter:
    return Voter(params, params.fingerprint(), "org-1", KEY, previous)


def _check(
    params: PollParams,
    data: Any,
    signature: bytes,
    weight: int = 1,
    previous: str | None = None,
    key: bytes = RAW_KEY,
) -> tuple[bool, str, str]:
    verdict, _ = check_cast(
        PollCheck.of(params), data, signature, CastContext("org-1", weight, key, previous)
    )
    return verdict.ok, verdict.check, verdict.reason


def _plaintexts(ciphertexts: list[Ciphertext]) -> list[int]:
    out = []
    for c in ciphertexts:
        point = elgamal.decrypt_point(SECRET, c)
        out.append(next(m for m in range(0, 64) if group.base_mul(m) == point))
    return out


@pytest.mark.parametrize("choice", ["yes", "no", "abstain"])
def test_a_yes_no_abstain_ballot_encrypts_its_choice(choice: str) -> None:
    ballot, opening = choice_ballot(_voter(YES_NO), {"choice": choice}, OsRandomness())
    assert _check(YES_NO, ballot.to_dict(), sign_ballot(ballot, KEY)) == (True, "ballot", "valid")
    expected = [1 if key == choice else 0 for key in ("yes", "no", "abstain")]
    assert _plaintexts(ballot_ciphertexts(ballot)) == expected == list(opening.messages)


@pytest.mark.parametrize("choices", [["ana"], ["ana", "carla"], ["abstain"]])
def test_up_to_k_of_n(choices: list[str]) -> None:
    ballot, _ = choice_ballot(_voter(MULTI), {"choices": choices}, OsRandomness())
    assert _check(MULTI, ballot.to_dict(), sign_ballot(ballot, KEY))[0]
    expected = [1 if key in choices else 0 for key in ("ana", "bruno", "carla", "abstain")]
    assert _plaintexts(ballot_ciphertexts(ballot)) == expected


@pytest.mark.parametrize(
    "payload",
    [
        {"choices": ["ana", "bruno", "carla"]},
        {"choices": ["ana", "abstain"]},
        {"choices": []},
        {"choice": "zoe"},
        {"split": {"ana": 1}},
    ],
)
def test_the_voters_side_refuses_what_the_poll_does_not_accept(payload: dict[str, Any]) -> None:
    with pytest.raises(BallotRejected):
        choice_ballot(_voter(MULTI), payload, OsRandomness())


def _forged(
    params: PollParams,
    messages: list[int],
    count_index: int | None = None,
) -> tuple[dict[str, Any], bytes]:
    """A ballot whose choices are honest 0/1 encryptions of `messages` with independent
    randomness and valid 0/1 proofs, as a cheating device could make; for a "multiple"
    poll, a count proof claiming the value at `count_index`."""
    y, fp = params.election_key, params.fingerprint()
    context = ballot_context(fp, "org-1", RAW_KEY)
    rand = OsRandomness()
    rs = [rand.scalar() for _ in messages]
    bits = []
    for j, (m, r) in enumerate(zip(messages, rs, strict=True)):
        ct = elgamal.encrypt(y, m, r)
        proof = prove_one_of(TAG_CHOICE, context, y, ct, (0, 1), m, r, choice_extra(j), rand)
        bits.append(EncryptedBit(ct, proof))
    count_proof = None
    if count_index is not None:
        count = count_ciphertext(params.spec, [b.ciphertext for b in bits])
        total_r = sum(rs[:-1]) + params.spec.max_choices * rs[-1]
        values = tuple(range(1, params.spec.max_choices + 1))
        count_proof = prove_one_of(
            TAG_COUNT, context, y, count, values, count_index, total_r, [], rand
        )
    ballot = Ballot(fp.hex(), "org-1", RAW_KEY, None, choices=tuple(bits), count_proof=count_proof)
    return ballot.to_dict(), sign_ballot(ballot, KEY)


@pytest.mark.parametrize("messages", [[1, 1, 1, 0], [0, 0, 0, 0], [1, 0, 0, 1]])
def test_a_forged_count_is_refused(messages: list[int]) -> None:
    data, signature = _forged(MULTI, messages, count_index=0)
    assert _check(MULTI, data, signature)[:2] == (False, "ballot_proof")


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(weight=st.integers(1, 40), data=st.data())
def test_divided_votes_decrypt_to_their_parts(weight: int, data: st.DataObject) -> None:
    a = data.draw(st.integers(0, weight))
    b = data.draw(st.integers(0, weight - a))
    split = {"ana": a, "bruno": b, "carla": weight - a - b}
    ballot, _ = divided_ballot(_voter(DIVIDED), weight, split, OsRandomness())
    assert _check(DIVIDED, ballot.to_dict(), sign_ballot(ballot, KEY), weight)[0]
    m = weight.bit_length()
    for part, value in zip(ballot.parts, split.values(), strict=True):
        bits = _plaintexts([bit.ciphertext for bit in part.bits])
        rest = _plaintexts([bit.ciphertext for bit in part.rest])
        assert sum(bit << i for i, bit in enumerate(bits)) == value
        assert sum(bit << i for i, bit in enumerate(rest)) == weight - value
        assert len(bits) == len(rest) == m


def test_a_divided_vote_for_more_than_the_weight_is_refused() -> None:
    """A device that encrypts parts for weight 6 cannot cast them for a right of weight 5
    (same bit length): the parts add up to 6, not 5."""
    ballot, _ = divided_ballot(_voter(DIVIDED), 6, {"ana": 6}, OsRandomness())
    ok, check, _ = _check(DIVIDED, ballot.to_dict(), sign_ballot(ballot, KEY), 5)
    assert (ok, check) == (False, "ballot_range")
    ok, check, _ = _check(DIVIDED, ballot.to_dict(), sign_ballot(ballot, KEY), 9)
    assert (ok, check) == (False, "ballot_range")  # 9 needs 4 bits, the ballot has 3


def test_a_part_above_the_weight_cannot_be_proven(monkeypatch: pytest.MonkeyPatch) -> None:
    """Weight 5 given as ana 6, bruno 0, carla −1 (rests −1, 5, 6): every sum holds modulo
    the group order, but −1 has no 0/1 bits, so a bit proof fails."""
    negative_one = [L - 1, 0, 0]  # Σ 2ᵇ·bitᵇ ≡ −1 (mod L)
    monkeypatch.setattr(vote, "validate_choice", lambda *args: None)
    monkeypatch.setattr(
        vote,
        "_bits_of",
        lambda value, m: negative_one if value < 0 else [(value >> b) & 1 for b in range(m)],
    )
    ballot, _ = divided_ballot(
        _voter(DIVIDED), 5, {"ana": 6, "bruno": 0, "carla": -1}, OsRandomness()
    )
    ok, check, reason = _check(DIVIDED, ballot.to_dict(), sign_ballot(ballot, KEY), 5)
    assert (ok, check) == (False, "ballot_proof"), reason


def _signed(params: PollParams, change: Any) -> tuple[dict[str, Any], bytes]:
    ballot, _ = choice_ballot(_voter(params), {"choice": "yes"}, OsRandomness())
    data = copy.deepcopy(ballot.to_dict())
    change(data)
    return data, KEY.sign(canonical_json(data))


def test_each_wrong_ballot_names_its_check() -> None:
    good, _ = choice_ballot(_voter(YES_NO), {"choice": "yes"}, OsRandomness())
    data, signature = good.to_dict(), sign_ballot(good, KEY)
    other = PollParams(
        YES_NO.poll_id,
        YES_NO.title,
        YES_NO.spec,
        YES_NO.roll_sha256,
        single_trustee("other"),
        YES_NO.script_files,
    )
    assert _check(other, data, signature)[1] == "ballot_poll"
    assert _check(YES_NO, data, signature, key=bytes(32))[1] == "ballot_key"
    assert _check(YES_NO, data, signature, previous="00" * 32)[1] == "ballot_previous"
    assert _check(YES_NO, data, signature[:-1] + b"\0")[1] == "ballot_signature"
    assert _check(YES_NO, {**data, "extra": 1}, signature)[1] == "ballot_format"
    verdict, _ = check_cast(
        PollCheck.of(YES_NO), data, signature, CastContext("org-1", 1, None, None)
    )
    assert verdict.check == "ballot_key" and "no voting key" in verdict.reason
    verdict, _ = check_cast(
        PollCheck.of(YES_NO), data, signature, CastContext("org-2", 1, RAW_KEY, None)
    )
    assert verdict.check == "ballot_voter"
    verdict, _ = check_cast(
        PollCheck.of(YES_NO), data, signature, CastContext("org-1", None, RAW_KEY, None)
    )
    assert verdict.check == "ballot_voter"


def test_a_proof_made_for_another_voting_right_fails() -> None:
    """The ciphertexts and proofs of org-1's ballot, relabelled and re-signed as org-2's."""
    data, signature = _signed(YES_NO, lambda d: d.update(voter="org-2"))
    verdict, _ = check_cast(
        PollCheck.of(YES_NO), data, signature, CastContext("org-2", 1, RAW_KEY, None)
    )
    assert (verdict.ok, verdict.check) == (False, "ballot_proof")


def test_a_copied_choice_fails_its_proof() -> None:
    """The ciphertext of "yes" copied over "no": each proof is bound to its option index."""
    data, signature = _signed(YES_NO, lambda d: d["choices"].__setitem__(1, d["choices"][0]))
    assert _check(YES_NO, data, signature)[1] == "ballot_proof"


@pytest.mark.parametrize("messages", [[1, 1, 0], [0, 0, 0], [1, 0, 0]])
def test_the_choices_must_add_up_to_exactly_one(messages: list[int]) -> None:
    """Valid 0/1 proofs, but the randomness does not cancel (and, but for [1, 0, 0], the
    sum is not one): the sum is not the public encryption of 1."""
    data, signature = _forged(YES_NO, messages)
    assert _check(YES_NO, data, signature)[:2] == (False, "ballot_sum")


def test_kind_must_match_the_poll() -> None:
    ballot, _ = choice_ballot(_voter(YES_NO), {"choice": "yes"}, OsRandomness())
    assert _check(DIVIDED, ballot.to_dict(), sign_ballot(ballot, KEY))[1] == "ballot_format"


def _with_torsion(raw: bytes) -> bytes:
    """raw + T, T the point of order 2 (libsodium's Edwards addition, test data only)."""
    out = ctypes.create_string_buffer(32)
    order_two = bytes.fromhex("ec" + "ff" * 30 + "7f")
    assert _sodium.crypto_core_ed25519_add(out, raw, order_two) == 0
    return out.raw


def test_keys_with_a_torsion_component_are_refused() -> None:
    """Such a key verifies some signatures under OpenSSL and not under a cofactored
    verifier: it is refused wherever a key enters (ballot, key roll, ceremony)."""
    torsion = _with_torsion(RAW_KEY)
    assert is_prime_order_key(RAW_KEY) and not is_prime_order_key(torsion)
    assert not is_prime_order_key(bytes(32)) and not is_prime_order_key(b"\x01" + bytes(31))
    ballot, _ = choice_ballot(_voter(YES_NO), {"choice": "yes"}, OsRandomness())
    data = {**ballot.to_dict(), "voting_key": torsion.hex()}
    ok, check, reason = _check(YES_NO, data, KEY.sign(canonical_json(data)), key=torsion)
    assert (ok, check) == (False, "ballot_format") and "prime order" in reason
    event = {
        "seq": 0,
        "voter": "org-1",
        "key": torsion.hex(),
        "holder": "own",
        "reason": "registered",
        "at": "2026-05-04T14:00:00Z",
    }
    with pytest.raises(EncodingError, match="prime order"):
        parse_event(event, 0)
    with pytest.raises(EncodingError, match="prime order"):
        Ceremony("c-1", 1, (TrusteeEntry(1, "Ana", torsion),))


def test_poll_parameters_must_be_stated_in_full() -> None:
    """A poll.json that leaves a default out would hash differently from its own bytes."""
    data = YES_NO.to_dict()
    assert PollParams.from_dict(data) == YES_NO
    short = copy.deepcopy(data)
    del short["poll"]["rules"]["tie"]
    with pytest.raises(EncodingError, match="defaults included"):
        PollParams.from_dict(short)
