"""The trustees: key ceremony without a trusted dealer, cheating-dealer detection, shares
at rest, threshold decryption with proofs (docs/e2e-protocol.md §7 and §10)."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest
from e2e_ceremony import run_ceremony, trustee_key
from e2e_seeds import seeded

from ballots.canonical import canonical_json
from ballots.e2e import dkg, elgamal, group
from ballots.e2e.ceremony import CeremonyError
from ballots.e2e.decryption import (
    AggregateKey,
    combine,
    lagrange_at_zero,
    make_shares,
    read_shares,
)
from ballots.e2e.dlog import DlogNotFound, bounded_dlog
from ballots.e2e.keystore import KdfCost, KeystoreError, open_secrets, seal_secrets
from ballots.e2e.proofs import prove_equality
from ballots.e2e.randomness import OsRandomness
from ballots.e2e.transcript import integer

FAST_KDF = KdfCost(iterations=1, lanes=1, memory_kib=64)
RUN = run_ceremony()
POLL = bytes([9]) * 32


def test_a_ceremony_gives_a_joint_key_nobody_dealt() -> None:
    trustees = RUN.outcome.trustees
    assert trustees is not None and RUN.outcome.excluded == {}
    assert sorted(trustees.commitments) == [1, 2, 3]
    joint = sum(RUN.shares.values())  # only a test can add the shares up
    for index, share in RUN.shares.items():
        assert group.base_mul(share) == trustees.verification_key(index)
    # any two shares interpolate the same secret, whose public key is the election key
    for pair in itertools.combinations(sorted(RUN.shares), 2):
        secret = sum(lagrange_at_zero(i, pair) * RUN.shares[i] for i in pair) % group.L
        assert group.base_mul(secret) == trustees.election_key()
    assert group.base_mul(joint) != trustees.election_key()  # shares are not additive


def _aggregates(messages: list[int]) -> dict[AggregateKey, elgamal.Ciphertext]:
    y = RUN.outcome.trustees.election_key()  # type: ignore[union-attr]
    rand = OsRandomness()
    return {
        AggregateKey(j, "weight"): elgamal.encrypt(y, m, rand.scalar())
        for j, m in enumerate(messages)
    }


OPTIONS = ("yes", "no", "abstain")


def _shares(index: int, aggregates: dict[AggregateKey, elgamal.Ciphertext]) -> dict[str, Any]:
    return make_shares(
        POLL,
        RUN.ceremony,
        index,
        RUN.keys[index],
        RUN.shares[index],
        aggregates,
        OPTIONS,
        OsRandomness(),
    )


@pytest.mark.parametrize("present", [(1, 2), (1, 3), (2, 3), (1, 2, 3)])
def test_any_k_trustees_decrypt_and_prove_it(present: tuple[int, ...]) -> None:
    trustees = RUN.outcome.trustees
    assert trustees is not None
    aggregates = _aggregates([7, 0, 1234])
    received = {
        i: read_shares(RUN.ceremony, POLL, trustees, _shares(i, aggregates), aggregates, OPTIONS)
        for i in present
    }
    for which, ct in aggregates.items():
        point = combine(ct, {i: s.shares[which][0] for i, s in received.items()}, 2)
        assert bounded_dlog(point, 2000) == [7, 0, 1234][which.option]


def test_fewer_than_k_shares_cannot_decrypt() -> None:
    aggregates = _aggregates([5])
    share = _shares(1, aggregates)["message"]["shares"][0]["share"]  # type: ignore[index]
    with pytest.raises(ValueError, match="1 decryption shares, 2 needed"):
        combine(aggregates[AggregateKey(0, "weight")], {1: bytes.fromhex(share)}, 2)  # type: ignore[dict-item]


def test_a_share_from_the_wrong_trustee_fails_its_proof() -> None:
    trustees = RUN.outcome.trustees
    assert trustees is not None
    aggregates = _aggregates([3])
    signed = _shares(1, aggregates)
    forged = copy.deepcopy(signed)
    forged["message"]["index"] = 2  # trustee 1's share presented as trustee 2's …
    forged["signature"] = RUN.keys[2].sign(canonical_json(forged["message"])).hex()  # … signed by 2
    with pytest.raises(CeremonyError, match="trustee 2's share of yes/weight fails its proof"):
        read_shares(RUN.ceremony, POLL, trustees, forged, aggregates, OPTIONS)
    with pytest.raises(CeremonyError, match="another poll"):
        read_shares(RUN.ceremony, bytes(32), trustees, signed, aggregates, OPTIONS)
    unsigned = copy.deepcopy(signed)
    unsigned["message"]["index"] = 2
    with pytest.raises(CeremonyError) as caught:
        read_shares(RUN.ceremony, POLL, trustees, unsigned, aggregates, OPTIONS)
    assert caught.value.check == "decryption_shares" and "not signed" in str(caught.value)


def _bad_share_for(label: str, victim: int) -> Any:
    """Dealer 1 of ceremony `label` seals garbage to `victim` (re-signing its dealing)."""

    def tamper(index: int, signed: dict[str, Any]) -> dict[str, Any]:
        if index != 1:
            return signed
        message = copy.deepcopy(signed["message"])
        for item in message["shares"]:
            if item["to"] == victim:
                item["ciphertext"] = "00" * 48
        return {
            "message": message,
            "signature": trustee_key(label, 1).sign(canonical_json(message)).hex(),
        }

    return tamper


def test_a_cheating_dealer_is_proven_and_excluded() -> None:
    run = run_ceremony(label="cheat", tamper_dealing=_bad_share_for("cheat", 2))
    assert len(run.complaints) == 1
    assert run.outcome.excluded == {1: "trustee 1 dealt trustee 2 a bad share"}
    trustees = run.outcome.trustees
    assert trustees is not None and sorted(trustees.commitments) == [2, 3]
    for index in (2, 3):  # trustee 1 still holds a share: it only lost its dealing
        assert group.base_mul(run.shares[index]) == trustees.verification_key(index)


def test_an_unfounded_complaint_is_rejected() -> None:
    """Trustee 3 complains about dealer 2's good share with an honest, proven K: anyone
    opens the share, sees it match the commitments, and rejects the complaint; a complaint
    whose proof fails is rejected too."""
    run = run_ceremony(label="false-alarm")
    cards = {c.index: c for c in (dkg.read_card(run.ceremony, s) for s in run.cards)}
    dealings = {
        d.index: d for d in (dkg.read_dealing(run.ceremony, s, [1, 2, 3]) for s in run.dealings)
    }
    transport_secret = seeded("false-alarm/3").scalar()  # the first draw of make_card
    ephemeral = dealings[2].shares[3].ephemeral
    proof = prove_equality(
        dkg.TAG_COMPLAINT,
        run.ceremony.context(3),
        transport_secret,
        ephemeral,
        [integer(2)],
        OsRandomness(),
    )
    honest = dkg.Complaint(3, 2, group.mul(transport_secret, ephemeral), proof)
    assert not dkg.upheld(run.ceremony, cards, dealings, honest)
    lying = dkg.Complaint(3, 2, group.base_mul(5), proof)
    assert not dkg.upheld(run.ceremony, cards, dealings, lying)


def test_only_a_trustees_own_signed_mistake_excludes_it() -> None:
    """A dealing that is not validly signed proves nothing about its claimed author (the
    bulletin board could post it): it is set aside. A signed dealing whose proof fails
    excludes its author."""
    unsigned = run_ceremony(
        label="sloppy", tamper_dealing=lambda i, s: {**s, "signature": "00" * 64} if i == 3 else s
    )
    assert unsigned.outcome.excluded == {3: "trustee 3 has no valid dealing"}
    assert any("not signed" in reason for reason in unsigned.outcome.set_aside)
    forged = copy.deepcopy(RUN.dealings[1])
    forged["signature"] = "00" * 64  # a second, unsigned dealing "from" trustee 2
    judged = dkg.outcome(RUN.ceremony, RUN.cards, [*RUN.dealings, forged], RUN.complaints)
    assert judged.excluded == {} and judged.trustees == RUN.outcome.trustees

    def bad_proof(index: int, signed: dict[str, Any]) -> dict[str, Any]:
        if index != 3:
            return signed
        message = copy.deepcopy(signed["message"])
        message["proof"]["s"] = message["proof"]["c"]
        key = trustee_key("careless", 3)
        return {"message": message, "signature": key.sign(canonical_json(message)).hex()}

    careless = run_ceremony(label="careless", tamper_dealing=bad_proof)
    assert "fails its proof" in careless.outcome.excluded[3]
    assert careless.outcome.trustees is not None
    assert sorted(careless.outcome.trustees.commitments) == [1, 2]


def test_too_few_qualified_dealers_means_no_key() -> None:
    run = run_ceremony(
        n=2,
        k=2,
        label="fragile",
        tamper_dealing=lambda i, s: {**s, "signature": "00" * 64} if i == 1 else s,
    )
    assert run.outcome.trustees is None


def test_card_checks() -> None:
    card = copy.deepcopy(RUN.cards[0])
    with pytest.raises(CeremonyError) as caught:
        dkg.read_card(RUN.ceremony, {**card, "signature": "ab" * 64})
    assert caught.value.check == "ceremony_signature"
    card["message"]["transport_key"] = RUN.cards[1]["message"]["transport_key"]
    card["signature"] = RUN.keys[1].sign(canonical_json(card["message"])).hex()
    with pytest.raises(CeremonyError) as caught:
        dkg.read_card(RUN.ceremony, card)  # another trustee's key, its proof is not for 1
    assert caught.value.check == "ceremony_proof"


def test_secrets_at_rest_need_the_passphrase() -> None:
    sealed = seal_secrets(b"correct horse", {"share": "ab" * 32}, FAST_KDF)
    assert open_secrets(b"correct horse", sealed) == {"share": "ab" * 32}
    assert b"abab" not in sealed
    with pytest.raises(KeystoreError, match="wrong passphrase"):
        open_secrets(b"wrong horse", sealed)
    tampered = sealed.replace(b'"iterations":1', b'"iterations":2')
    with pytest.raises(KeystoreError, match="wrong passphrase"):
        open_secrets(b"correct horse", tampered)
    with pytest.raises(KeystoreError):
        open_secrets(b"x", b"not json")
    with pytest.raises(KeystoreError):
        seal_secrets(b"", {}, FAST_KDF)


def test_bounded_dlog() -> None:
    for t in (0, 1, 99, 100, 10_000):
        assert bounded_dlog(group.base_mul(t), 10_000) == t
    with pytest.raises(DlogNotFound):
        bounded_dlog(group.base_mul(10_001), 10_000)
    with pytest.raises(DlogNotFound):
        bounded_dlog(group.base_mul(seeded("far").scalar()), 50)
