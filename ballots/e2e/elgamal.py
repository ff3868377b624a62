"""Exponential ElGamal over ristretto255 (docs/e2e-protocol.md §3).

With the election key Y = x·G, a message m (a small non-negative integer) is encrypted
with randomness r as (α, β) = (r·G, m·G + r·Y). Ciphertexts add: the sum encrypts the sum
of the messages, and k·(α, β) encrypts k·m — which is how ballots are tallied. Decryption
gives m·G = β − x·α; m itself is a bounded discrete logarithm (`ballots.e2e.dlog`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ballots.e2e import group
from ballots.e2e.encoding import EncodingError, decode_point, point_hex
from ballots.e2e.group import IDENTITY, Point


@dataclass(frozen=True)
class Ciphertext:
    """An exponential ElGamal ciphertext (α, β)."""

    alpha: Point
    beta: Point

    def to_dict(self) -> dict[str, str]:
        """{"alpha", "beta"} as hex points."""
        return {"alpha": point_hex(self.alpha), "beta": point_hex(self.beta)}

    @classmethod
    def from_dict(cls, data: object, what: str) -> Ciphertext:
        """A ballot ciphertext from {"alpha", "beta"}: both canonical, neither the
        identity (an α of identity would show the plaintext; a β of identity happens to
        an honest encryption with probability 2⁻²⁵²). `EncodingError` otherwise."""
        if not isinstance(data, Mapping) or set(data) != {"alpha", "beta"}:
            raise EncodingError(f"{what} must be an object with exactly alpha and beta")
        return cls(
            alpha=decode_point(data["alpha"], f"{what}.alpha"),
            beta=decode_point(data["beta"], f"{what}.beta"),
        )


ZERO = Ciphertext(IDENTITY, IDENTITY)  # the encryption of 0 with randomness 0


def encrypt(public_key: Point, message: int, randomness: int) -> Ciphertext:
    """(r·G, m·G + r·Y)."""
    return Ciphertext(
        alpha=group.base_mul(randomness),
        beta=group.add(group.base_mul(message), group.mul(randomness, public_key)),
    )


def add(a: Ciphertext, b: Ciphertext) -> Ciphertext:
    """The ciphertext of the sum of both messages (randomness adds too)."""
    return Ciphertext(group.add(a.alpha, b.alpha), group.add(a.beta, b.beta))


def sub(a: Ciphertext, b: Ciphertext) -> Ciphertext:
    """The ciphertext of the difference of both messages."""
    return Ciphertext(group.sub(a.alpha, b.alpha), group.sub(a.beta, b.beta))


def scale(k: int, c: Ciphertext) -> Ciphertext:
    """k·(α, β): the ciphertext of k times the message."""
    return Ciphertext(group.mul(k, c.alpha), group.mul(k, c.beta))


def total(ciphertexts: Iterable[Ciphertext]) -> Ciphertext:
    """The sum of `ciphertexts` (ZERO for none)."""
    alphas, betas = [], []
    for c in ciphertexts:
        alphas.append(c.alpha)
        betas.append(c.beta)
    return Ciphertext(group.total(alphas), group.total(betas))


def public(message: int) -> Ciphertext:
    """The trivial encryption of a public `message` with randomness 0: (I, m·G)."""
    return Ciphertext(IDENTITY, group.base_mul(message))


def decrypt_point(secret: int, c: Ciphertext) -> Point:
    """m·G = β − x·α, for the holder of the whole secret x (tests, and a single trustee)."""
    return group.sub(c.beta, group.mul(secret, c.alpha))
