"""A whole key ceremony run in one process, from fixed seeds: the trustees' side of
`ballots.e2e.dkg` as the `asamblea trustee` commands will run it, for tests and vectors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from e2e_seeds import seeded, voting_key

from ballots.e2e import dkg, elgamal
from ballots.e2e.ceremony import Ceremony, TrusteeEntry
from ballots.e2e.decryption import AggregateKey, make_shares
from ballots.e2e.dkg import Outcome
from ballots.e2e.encoding import scalar_hex
from ballots.signing import raw_public_key

Cheat = Callable[[int, dict[str, Any]], dict[str, Any]]


@dataclass
class Run:
    """Everything a ceremony produced: public transcript, private secrets, outcome."""

    ceremony: Ceremony
    keys: dict[int, Ed25519PrivateKey]
    cards: list[dict[str, Any]]
    dealings: list[dict[str, Any]]
    complaints: list[dict[str, Any]]
    shares: dict[int, int]  # index → secret share xℓ (for holders that could compute it)
    outcome: Outcome

    def transcript(self) -> dict[str, Any]:
        """ceremony.json's object."""
        return {
            "setup": self.ceremony.to_dict(),
            "cards": self.cards,
            "dealings": self.dealings,
            "complaints": self.complaints,
        }


def trustee_key(label: str, index: int) -> Ed25519PrivateKey:
    """Trustee `index`'s Ed25519 key from a seed label."""
    return voting_key(f"{label}/trustee-{index}")


def run_ceremony(
    n: int = 3, k: int = 2, label: str = "ceremony", tamper_dealing: Cheat | None = None
) -> Run:
    """Cards, dealings, complaints and final shares of n trustees, threshold k; each
    trustee draws from seed "{label}/{index}". `tamper_dealing(index, signed)` may replace
    a dealing before it is published (a cheating dealer)."""
    keys = {i: trustee_key(label, i) for i in range(1, n + 1)}
    ceremony = Ceremony(
        id=f"{label}-1",
        threshold=k,
        trustees=tuple(
            TrusteeEntry(i, f"Trustee {i}", raw_public_key(keys[i].public_key()))
            for i in range(1, n + 1)
        ),
    )
    rands = {i: seeded(f"{label}/{i}") for i in keys}
    cards, transport = [], {}
    for i in keys:
        card, transport[i] = dkg.make_card(ceremony, i, keys[i], rands[i])
        cards.append(card)
    read_cards = {c.index: c for c in (dkg.read_card(ceremony, s) for s in cards)}
    dealings, coefficients = [], {}
    for i in keys:
        dealing, coefficients[i] = dkg.make_dealing(ceremony, i, keys[i], read_cards, rands[i])
        dealings.append(tamper_dealing(i, dealing) if tamper_dealing else dealing)
    holders = sorted(read_cards)
    read_dealings = {}
    for signed in dealings:
        try:
            d = dkg.read_dealing(ceremony, signed, holders)
        except dkg.CeremonyError:
            continue
        read_dealings[d.index] = d
    complaints, received = [], {}
    for i in keys:
        received[i], mine = dkg.receive(
            ceremony, i, keys[i], transport[i], read_cards, read_dealings, rands[i]
        )
        complaints += mine
    outcome = dkg.outcome(ceremony, cards, dealings, complaints)
    shares = {}
    if outcome.trustees is not None:
        for i in keys:
            try:
                shares[i] = dkg.final_share(i, coefficients[i], received[i], outcome.trustees)
            except ValueError:
                continue
    return Run(ceremony, keys, cards, dealings, complaints, shares, outcome)


def ceremony_vectors() -> dict[str, Any]:
    """A 2-of-3 ceremony from seeds "ceremony/1" … "/3" (trustee keys from
    "ceremony/trustee-ℓ"), its outcome, each trustee's share (test data: never published),
    and trustees 1 and 3 decrypting an encryption of 42 (trustee ℓ's shares drawn from
    "decrypt/ℓ")."""
    run = run_ceremony()
    trustees = run.outcome.trustees
    assert trustees is not None
    poll = bytes([7]) * 32
    ct = elgamal.encrypt(trustees.election_key(), 42, seeded("decrypt/ciphertext").scalar())
    aggregates = {AggregateKey(0, "weight"): ct}
    decryptions = [
        make_shares(
            poll,
            run.ceremony,
            i,
            run.keys[i],
            run.shares[i],
            aggregates,
            ("yes",),
            seeded(f"decrypt/{i}"),
        )
        for i in (1, 3)
    ]
    return {
        "description": "A 2-of-3 key ceremony and a threshold decryption "
        "(docs/e2e-protocol.md §7, §10); drawing order in §7 and §10.",
        "ceremony": run.transcript(),
        "trustees": trustees.to_dict(),
        "election_key": trustees.election_key().hex(),
        "verification_keys": {str(i): trustees.verification_key(i).hex() for i in (1, 2, 3)},
        "secret_shares": {str(i): scalar_hex(s) for i, s in sorted(run.shares.items())},
        "decryption": {
            "poll": poll.hex(),
            "options": ["yes"],
            "ciphertext": ct.to_dict(),
            "shares": decryptions,
            "total": 42,
        },
    }
