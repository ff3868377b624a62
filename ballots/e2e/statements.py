"""What each ballot proof is about: its domain tag, its values, and the ciphertexts that
anyone derives from a ballot (docs/e2e-protocol.md §6.2). Shared by the voter's side
(`ballots.e2e.vote`) and the checker (`ballots.e2e.ballot_check`), so they cannot drift.
"""

from __future__ import annotations

from collections.abc import Sequence

from ballots.e2e import elgamal
from ballots.e2e.elgamal import Ciphertext
from ballots.e2e.group import Point
from ballots.e2e.transcript import ProofContext, integer
from ballots.polls import ABSTAIN, PollSpec

TAG_CHOICE = "ballot/choice"
TAG_COUNT = "ballot/count"
TAG_PART_BIT = "ballot/part-bit"
TAG_REST_BIT = "ballot/rest-bit"
BIT_VALUES = (0, 1)


def ballot_context(fingerprint: bytes, voter: str, voting_key: bytes) -> ProofContext:
    """The proof context of a ballot: poll fingerprint, voting right, voting key."""
    return ProofContext(fingerprint=fingerprint, subject=voter, subject_key=voting_key)


def choice_extra(option: int) -> list[bytes]:
    """Extra statement items of option `option`'s 0/1 proof: [option index]."""
    return [integer(option)]


def bit_extra(option: int, bit: int) -> list[bytes]:
    """Extra statement items of a divided vote's bit proof: [option index, bit index]."""
    return [integer(option), integer(bit)]


def count_values(spec: PollSpec) -> tuple[int, ...]:
    """The values the count ciphertext of a "multiple" poll may encrypt: 1..k (at least
    one choice, at most k); () for other methods, whose choices add up to exactly 1."""
    if spec.method != "multiple":
        return ()
    return tuple(range(1, spec.max_choices + 1))


def count_coefficients(spec: PollSpec) -> tuple[int, ...]:
    """The weight of each option in the count ciphertext: 1 for a candidate, k for
    "abstain" (so that abstaining together with any candidate exceeds k)."""
    return tuple(spec.max_choices if key == ABSTAIN else 1 for key in spec.options)


def count_ciphertext(spec: PollSpec, choices: Sequence[Ciphertext]) -> Ciphertext:
    """Σⱼ coefficientⱼ·cⱼ (a sum when no option is "abstain")."""
    parts = []
    for coefficient, c in zip(count_coefficients(spec), choices, strict=True):
        parts.append(c if coefficient == 1 else elgamal.scale(coefficient, c))
    return elgamal.total(parts)


def from_bits(bits: Sequence[Ciphertext]) -> Ciphertext:
    """Σ_b 2ᵇ·bits[b] (least significant first), by doubling (Horner's rule)."""
    acc = bits[-1]
    for bit in reversed(bits[:-1]):
        acc = elgamal.add(elgamal.add(acc, acc), bit)
    return acc


def bits_for(weight: int) -> int:
    """m, the number of bits of a part (and of the rest) for a right of `weight`."""
    return weight.bit_length()


def public_weight(weight: int) -> Ciphertext:
    """(I, W·G): what a divided vote's parts add up to, and each part plus its rest."""
    return elgamal.public(weight)


def as_points(c: Ciphertext) -> tuple[Point, Point]:
    """(α, β), for comparisons."""
    return c.alpha, c.beta
