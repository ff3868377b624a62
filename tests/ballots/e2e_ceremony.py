"""A whole key ceremony run in one process, from fixed seeds: the trustees' side of
`ballots.e2e.dkg` as the `asamblea trustee` commands will run it, for tests and vectors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from e2e_seeds import seeded, voting_key

from ballots.e2e import elgamal
from ballots.e2e.ceremony import Ceremony, TrusteeEntry
from ballots.e2e.decryption import AggregateKey, make_shares
from ballots.e2e.encoding import scalar_hex
from ballots.e2e.local import LocalCeremony, run_local_ceremony
from ballots.signing import raw_public_key

Cheat = Callable[[int, dict[str, Any]], dict[str, Any]]


@dataclass
class Run(LocalCeremony):
    """A local ceremony, and the trustees' signing keys (test data)."""

    keys: dict[int, Ed25519PrivateKey] = field(default_factory=dict)


def trustee_key(label: str, index: int) -> Ed25519PrivateKey:
    """Trustee `index`'s Ed25519 key from a seed label."""
    return voting_key(f"{label}/trustee-{index}")


def run_ceremony(
    n: int = 3, k: int = 2, label: str = "ceremony", tamper_dealing: Cheat | None = None
) -> Run:
    """Cards, dealings, complaints and final shares of n trustees, threshold k; trustee ℓ
    signs with `trustee_key(label, ℓ)` and draws from seed "{label}/ℓ". `tamper_dealing(ℓ,
    signed)` may replace a dealing before it is published (a cheating dealer)."""
    keys = {i: trustee_key(label, i) for i in range(1, n + 1)}
    ceremony = Ceremony(
        id=f"{label}-1",
        threshold=k,
        trustees=tuple(
            TrusteeEntry(i, f"Trustee {i}", raw_public_key(keys[i].public_key()))
            for i in range(1, n + 1)
        ),
    )
    run = run_local_ceremony(
        ceremony, keys, {i: seeded(f"{label}/{i}") for i in keys}, tamper_dealing
    )
    return Run(**vars(run), keys=keys)


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
