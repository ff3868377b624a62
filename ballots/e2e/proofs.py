"""Zero-knowledge proofs, made non-interactive by strong Fiat–Shamir (docs/e2e-protocol.md §5).

- `SchnorrProof`: knowledge of x with X = x·G.
- `EqualityProof` (Chaum–Pedersen): one x with X = x·G and D = x·A.
- `OneOfProof` (Cramer–Damgård–Schoenmakers disjunction of Chaum–Pedersen proofs): a
  ciphertext (α, β) under Y encrypts one of the public values v₀ … vₙ₋₁, without saying
  which: for some i, α = r·G and β − vᵢ·G = r·Y.

Responses are s = w + c·x (mod L), so a verifier recomputes every commitment as
s·(base) − c·(public value) and hashes it: proofs carry only challenges and responses.
Each `prove_*` draws its random scalars from a `Randomness` in the order written in its
docstring, which the test vectors rely on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ballots.e2e import group
from ballots.e2e.elgamal import Ciphertext
from ballots.e2e.encoding import EncodingError, decode_scalar, scalar_hex
from ballots.e2e.group import L, Point
from ballots.e2e.randomness import Randomness
from ballots.e2e.transcript import ProofContext, challenge, integer


def _pair(data: object, what: str) -> tuple[int, int]:
    if not isinstance(data, Mapping) or set(data) != {"c", "s"}:
        raise EncodingError(f"{what} must be an object with exactly c and s")
    return decode_scalar(data["c"], f"{what}.c"), decode_scalar(data["s"], f"{what}.s")


@dataclass(frozen=True)
class SchnorrProof:
    """Proof of knowledge of log_G X: challenge c and response s."""

    c: int
    s: int

    def to_dict(self) -> dict[str, str]:
        """{"c", "s"} as hex scalars."""
        return {"c": scalar_hex(self.c), "s": scalar_hex(self.s)}

    @classmethod
    def from_dict(cls, data: object, what: str) -> SchnorrProof:
        """From {"c", "s"}; `EncodingError` for anything else."""
        return cls(*_pair(data, what))


def prove_schnorr(tag: str, context: ProofContext, secret: int, rand: Randomness) -> SchnorrProof:
    """Prove knowledge of x = `secret` for X = x·G. Draws: w. Statement [X], commitment
    [w·G]."""
    public = group.base_mul(secret)
    w = rand.scalar()
    c = challenge(tag, context, [public], [group.base_mul(w)])
    return SchnorrProof(c, (w + c * secret) % L)


def verify_schnorr(tag: str, context: ProofContext, public: Point, proof: SchnorrProof) -> bool:
    """Whether `proof` shows knowledge of log_G `public`: c = H(…, [X], [s·G − c·X])."""
    commitment = group.sub(group.base_mul(proof.s), group.mul(proof.c, public))
    return challenge(tag, context, [public], [commitment]) == proof.c


@dataclass(frozen=True)
class EqualityProof:
    """Chaum–Pedersen proof that log_G X = log_A D: challenge c and response s."""

    c: int
    s: int

    def to_dict(self) -> dict[str, str]:
        """{"c", "s"} as hex scalars."""
        return {"c": scalar_hex(self.c), "s": scalar_hex(self.s)}

    @classmethod
    def from_dict(cls, data: object, what: str) -> EqualityProof:
        """From {"c", "s"}; `EncodingError` for anything else."""
        return cls(*_pair(data, what))


def prove_equality(
    tag: str,
    context: ProofContext,
    secret: int,
    base: Point,
    extra: Sequence[bytes],
    rand: Randomness,
) -> EqualityProof:
    """Prove log_G X = log_A D for x = `secret`, X = x·G, A = `base`, D = x·A.
    Draws: w. Statement [X, A, D, *extra], commitments [w·G, w·A]."""
    public, image = group.base_mul(secret), group.mul(secret, base)
    w = rand.scalar()
    c = challenge(
        tag, context, [public, base, image, *extra], [group.base_mul(w), group.mul(w, base)]
    )
    return EqualityProof(c, (w + c * secret) % L)


def verify_equality(
    tag: str,
    context: ProofContext,
    public: Point,
    base: Point,
    image: Point,
    extra: Sequence[bytes],
    proof: EqualityProof,
) -> bool:
    """Whether c = H(…, [X, A, D, *extra], [s·G − c·X, s·A − c·D])."""
    u = group.sub(group.base_mul(proof.s), group.mul(proof.c, public))
    v = group.sub(group.mul(proof.s, base), group.mul(proof.c, image))
    return challenge(tag, context, [public, base, image, *extra], [u, v]) == proof.c


@dataclass(frozen=True)
class OneOfProof:
    """Disjunctive proof that a ciphertext encrypts one of n values: one challenge and
    one response per value; the challenges add up to the Fiat–Shamir challenge."""

    challenges: tuple[int, ...]
    responses: tuple[int, ...]

    def to_dict(self) -> list[dict[str, str]]:
        """[{"c", "s"} per value] as hex scalars."""
        return [
            {"c": scalar_hex(c), "s": scalar_hex(s)}
            for c, s in zip(self.challenges, self.responses, strict=True)
        ]

    @classmethod
    def from_dict(cls, data: object, what: str, size: int) -> OneOfProof:
        """From a list of exactly `size` {"c", "s"} objects."""
        if not isinstance(data, list) or len(data) != size:
            raise EncodingError(f"{what} must be a list of {size} {{c, s}} objects")
        pairs = [_pair(item, f"{what}[{i}]") for i, item in enumerate(data)]
        return cls(tuple(c for c, _ in pairs), tuple(s for _, s in pairs))


def _statement(
    public_key: Point, ct: Ciphertext, values: Sequence[int], extra: Sequence[bytes]
) -> list[bytes]:
    return [public_key, ct.alpha, ct.beta, *extra, *(integer(v) for v in values)]


def prove_one_of(
    tag: str,
    context: ProofContext,
    public_key: Point,
    ct: Ciphertext,
    values: Sequence[int],
    index: int,
    randomness: int,
    extra: Sequence[bytes],
    rand: Randomness,
) -> OneOfProof:
    """Prove that `ct` = (r·G, vᵢ·G + r·Y) for i = `index`, r = `randomness`, among
    `values`. Draws, for each value in order: cⱼ then sⱼ when j ≠ i (a simulated branch),
    w when j = i. Statement [Y, α, β, *extra, v₀, …] (values as 8-byte integers),
    commitments [A₀, B₀, A₁, B₁, …] with Aⱼ = sⱼ·G − cⱼ·α, Bⱼ = sⱼ·Y − cⱼ·(β − vⱼ·G)."""
    commitments: list[bytes] = []
    simulated: dict[int, tuple[int, int]] = {}
    w = 0
    for j, value in enumerate(values):
        if j == index:
            w = rand.scalar()
            commitments += [group.base_mul(w), group.mul(w, public_key)]
            continue
        cj, sj = rand.scalar(), rand.scalar()
        simulated[j] = (cj, sj)
        shifted = group.sub(ct.beta, group.base_mul(value))
        commitments += [
            group.sub(group.base_mul(sj), group.mul(cj, ct.alpha)),
            group.sub(group.mul(sj, public_key), group.mul(cj, shifted)),
        ]
    c = challenge(tag, context, _statement(public_key, ct, values, extra), commitments)
    real_c = (c - sum(cj for cj, _ in simulated.values())) % L
    challenges = tuple(real_c if j == index else simulated[j][0] for j in range(len(values)))
    responses = tuple(
        (w + real_c * randomness) % L if j == index else simulated[j][1] for j in range(len(values))
    )
    return OneOfProof(challenges, responses)


def verify_one_of(
    tag: str,
    context: ProofContext,
    public_key: Point,
    ct: Ciphertext,
    values: Sequence[int],
    extra: Sequence[bytes],
    proof: OneOfProof,
    value_points: Sequence[Point] | None = None,
) -> bool:
    """Whether `proof` shows that `ct` encrypts one of `values` under `public_key`:
    Σ cⱼ = H(…, statement, [A₀, B₀, …]) with the commitments recomputed as above.
    `value_points` may pass the precomputed vⱼ·G."""
    if len(proof.challenges) != len(values) or len(proof.responses) != len(values):
        return False
    points = value_points or [group.base_mul(v) for v in values]
    commitments: list[bytes] = []
    for cj, sj, vg in zip(proof.challenges, proof.responses, points, strict=True):
        commitments.append(group.sub(group.base_mul(sj), group.mul(cj, ct.alpha)))
        shifted = ct.beta if vg == group.IDENTITY else group.sub(ct.beta, vg)
        commitments.append(group.sub(group.mul(sj, public_key), group.mul(cj, shifted)))
    c = challenge(tag, context, _statement(public_key, ct, values, extra), commitments)
    return c == sum(proof.challenges) % L
