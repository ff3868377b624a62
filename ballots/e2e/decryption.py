"""Threshold decryption of the tallies (docs/e2e-protocol.md §10.2–10.3).

For each aggregate ciphertext (α, β), trustee ℓ publishes Dℓ = xℓ·α with a Chaum–Pedersen
proof that log_G Xℓ = log_α Dℓ (tag trustee/decryption; Xℓ its public verification key).
Any k valid shares from a set S combine by Lagrange interpolation at 0:

    x·α = Σ_{ℓ∈S} λℓ·Dℓ,   λℓ = Π_{m∈S, m≠ℓ} m / (m − ℓ)   (mod L)

and the total t is the bounded discrete logarithm of β − x·α = t·G.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballots.e2e import group
from ballots.e2e.ceremony import Ceremony, CeremonyError, open_message, sign_message
from ballots.e2e.elgamal import Ciphertext
from ballots.e2e.encoding import EncodingError, decode_point, point_hex
from ballots.e2e.group import L, Point, inverse
from ballots.e2e.proofs import EqualityProof, prove_equality, verify_equality
from ballots.e2e.randomness import Randomness
from ballots.e2e.transcript import ProofContext, integer
from ballots.e2e.trustees import Trustees

SHARE = "asamblea.decryption-share/1"
TAG_DECRYPTION = "trustee/decryption"
AGGREGATES = ("weight", "organizations")


@dataclass(frozen=True)
class AggregateKey:
    """Which aggregate: option index and kind ("weight" or "organizations")."""

    option: int
    kind: str

    def extra(self) -> list[bytes]:
        """Extra statement items of its decryption proofs: [option, kind index]."""
        return [integer(self.option), integer(AGGREGATES.index(self.kind))]


@dataclass(frozen=True)
class TrusteeShares:
    """One trustee's decryption shares, aggregate → (Dℓ, proof)."""

    index: int
    shares: Mapping[AggregateKey, tuple[Point, EqualityProof]]


def decryption_context(fingerprint: bytes, index: int, verification_key: Point) -> ProofContext:
    """The proof context of trustee `index`'s decryption shares in a poll."""
    return ProofContext(fingerprint, str(index), verification_key)


def make_shares(
    fingerprint: bytes,
    ceremony: Ceremony,
    index: int,
    key: Ed25519PrivateKey,
    secret_share: int,
    aggregates: Mapping[AggregateKey, Ciphertext],
    options: Sequence[str],
    rand: Randomness,
) -> dict[str, object]:
    """Trustee `index`'s signed decryption shares of every aggregate, in the given order.
    Draws: one w per aggregate."""
    verification_key = group.base_mul(secret_share)
    context = decryption_context(fingerprint, index, verification_key)
    items = []
    for which, ct in aggregates.items():
        proof = prove_equality(TAG_DECRYPTION, context, secret_share, ct.alpha, which.extra(), rand)
        items.append(
            {
                "option": options[which.option],
                "aggregate": which.kind,
                "share": point_hex(group.mul(secret_share, ct.alpha)),
                "proof": proof.to_dict(),
            }
        )
    message = {
        "format": SHARE,
        "ceremony": ceremony.fingerprint().hex(),
        "poll": fingerprint.hex(),
        "index": index,
        "shares": items,
    }
    return sign_message(key, message)


def read_shares(
    ceremony: Ceremony,
    fingerprint: bytes,
    trustees: Trustees,
    signed: object,
    aggregates: Mapping[AggregateKey, Ciphertext],
    options: Sequence[str],
) -> TrusteeShares:
    """A trustee's signed shares, every proof checked against its verification key;
    `CeremonyError` (check decryption_shares) names the trustee and the failing share."""
    try:
        index, message = open_message(ceremony, signed, SHARE, frozenset({"poll", "shares"}))
    except CeremonyError as exc:
        raise CeremonyError("decryption_shares", str(exc)) from None
    if message["poll"] != fingerprint.hex():
        raise CeremonyError("decryption_shares", f"trustee {index}'s shares are for another poll")
    items = message["shares"]
    if not isinstance(items, list) or len(items) != len(aggregates):
        raise CeremonyError(
            "decryption_shares", f"trustee {index} must give one share per aggregate"
        )
    verification_key = trustees.verification_key(index)
    context = decryption_context(fingerprint, index, verification_key)
    shares: dict[AggregateKey, tuple[Point, EqualityProof]] = {}
    for which, item in zip(aggregates, items, strict=True):
        what = f"trustee {index}'s share of {options[which.option]}/{which.kind}"
        try:
            if not isinstance(item, Mapping) or set(item) != {
                "option",
                "aggregate",
                "share",
                "proof",
            }:
                raise EncodingError("it must have exactly option, aggregate, share, proof")
            if item["option"] != options[which.option] or item["aggregate"] != which.kind:
                raise EncodingError("it is not in the order of the aggregates")
            # An aggregate of no ballots has α = I, and then its share is I too.
            share = decode_point(item["share"], "share", allow_identity=True)
            proof = EqualityProof.from_dict(item["proof"], "proof")
        except EncodingError as exc:
            raise CeremonyError("decryption_shares", f"{what}: {exc}") from None
        alpha = aggregates[which].alpha
        if not verify_equality(
            TAG_DECRYPTION, context, verification_key, alpha, share, which.extra(), proof
        ):
            raise CeremonyError("decryption_shares", f"{what} fails its proof")
        shares[which] = (share, proof)
    return TrusteeShares(index, shares)


def lagrange_at_zero(index: int, indices: Sequence[int]) -> int:
    """λ_index = Π_{m≠index} m / (m − index) mod L over `indices`."""
    value = 1
    for m in indices:
        if m != index:
            value = value * m * inverse(m - index) % L
    return value


def combine(ct: Ciphertext, shares: Mapping[int, Point], threshold: int) -> Point:
    """t·G = β − Σ λℓ·Dℓ from the first `threshold` trustees of `shares` (by index);
    ValueError with fewer than `threshold`."""
    chosen = sorted(shares)[:threshold]
    if len(chosen) < threshold:
        raise ValueError(f"{len(chosen)} decryption shares, {threshold} needed")
    mask = group.total([group.mul(lagrange_at_zero(i, chosen), shares[i]) for i in chosen])
    return group.sub(ct.beta, mask)
