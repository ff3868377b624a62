"""The voter's side: encrypt a choice and prove it well-formed (docs/e2e-protocol.md §6.3).

The browser implementation does the same with the same draws; these functions make the
test vectors and the ballots of tests, the demo and the benchmarks. Randomness for the
ciphertexts is drawn first (option by option), then each proof draws its own, in ballot
order. The last randomness of a sum that must be exact is not drawn but computed, so that
the sum is the public encryption (I, n·G) anyone can check (it reveals nothing: that
ciphertext is computable from the others and the public n).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballots.casting import BallotRejected, validate_choice
from ballots.e2e import elgamal
from ballots.e2e.ballot import Ballot, DividedPart, EncryptedBit
from ballots.e2e.elgamal import Ciphertext
from ballots.e2e.group import L, inverse
from ballots.e2e.params import PollParams
from ballots.e2e.proofs import prove_one_of
from ballots.e2e.randomness import Randomness
from ballots.e2e.statements import (
    BIT_VALUES,
    TAG_CHOICE,
    TAG_COUNT,
    TAG_PART_BIT,
    TAG_REST_BIT,
    ballot_context,
    bit_extra,
    bits_for,
    choice_extra,
    count_coefficients,
    count_values,
)
from ballots.signing import raw_public_key


@dataclass(frozen=True)
class Opening:
    """What a Benaloh challenge reveals of a ballot: every ciphertext's message and
    randomness, in ballot order (choices; or per option, its bits then its rest)."""

    messages: tuple[int, ...]
    randomness: tuple[int, ...]


@dataclass(frozen=True)
class Voter:
    """Who casts: the poll's parameters and fingerprint, the voting right, its voting
    key (private, on the device) and the hash of the right's previous ballot."""

    params: PollParams
    fingerprint: bytes
    voter: str
    key: Ed25519PrivateKey
    previous: str | None = None


def _encrypt_bits(
    who: Voter,
    messages: Sequence[int],
    randomness: Sequence[int],
    tag: str,
    extras: list[list[bytes]],
    rand: Randomness,
) -> tuple[EncryptedBit, ...]:
    y = who.params.election_key
    context = ballot_context(who.fingerprint, who.voter, raw_public_key(who.key.public_key()))
    out = []
    for m, r, extra in zip(messages, randomness, extras, strict=True):
        ct = elgamal.encrypt(y, m, r)
        proof = prove_one_of(tag, context, y, ct, BIT_VALUES, m, r, extra, rand)
        out.append(EncryptedBit(ct, proof))
    return tuple(out)


def choice_ballot(
    who: Voter, payload: Mapping[str, object], rand: Randomness
) -> tuple[Ballot, Opening]:
    """An encrypted ballot for a poll without divided votes. `payload` is what a plain
    ballot carries (`choice` or `choices`, as the API's castBallot), validated by the same
    rules (`BallotRejected` when the poll does not accept it)."""
    spec = who.params.spec
    if who.params.divided:
        raise BallotRejected("malformed", "this poll takes divided votes")
    vote = validate_choice(spec, 1, payload)
    messages = [1 if key in vote.options else 0 for key in spec.options]
    exact = spec.method != "multiple"
    randomness = [rand.scalar() for _ in spec.options[: -1 if exact else None]]
    if exact:  # the choices add up to the public (I, 1·G)
        randomness.append((-sum(randomness)) % L)
    key = raw_public_key(who.key.public_key())
    choices = _encrypt_bits(
        who, messages, randomness, TAG_CHOICE, [choice_extra(j) for j in range(len(messages))], rand
    )
    count_proof = None
    if not exact:
        coefficients = count_coefficients(spec)
        count = sum(c * m for c, m in zip(coefficients, messages, strict=True))
        total_r = sum(c * r for c, r in zip(coefficients, randomness, strict=True)) % L
        values = count_values(spec)
        ct = elgamal.total(
            elgamal.scale(c, bit.ciphertext) if c != 1 else bit.ciphertext
            for c, bit in zip(coefficients, choices, strict=True)
        )
        context = ballot_context(who.fingerprint, who.voter, key)
        count_proof = prove_one_of(
            TAG_COUNT,
            context,
            who.params.election_key,
            ct,
            values,
            values.index(count),
            total_r,
            [],
            rand,
        )
    ballot = Ballot(
        poll=who.fingerprint.hex(),
        voter=who.voter,
        voting_key=key,
        previous=who.previous,
        choices=choices,
        count_proof=count_proof,
    )
    return ballot, Opening(tuple(messages), tuple(randomness))


def _bits_of(value: int, m: int) -> list[int]:
    return [(value >> b) & 1 for b in range(m)]


def divided_ballot(
    who: Voter, weight: int, split: Mapping[str, int], rand: Randomness
) -> tuple[Ballot, Opening]:
    """An encrypted divided vote of a right of `weight`: `split` gives units to options
    (missing options get 0); integers ≥ 0 adding up to `weight` (`BallotRejected`
    otherwise, as for a plain split)."""
    spec = who.params.spec
    if not who.params.divided:
        raise BallotRejected("split_not_allowed", "this poll does not allow divided votes")
    given = {key: units for key, units in split.items() if units}
    validate_choice(spec, weight, {"split": dict(split)})
    parts_values = [int(given.get(key, 0)) for key in spec.options]
    m = bits_for(weight)
    n = len(spec.options)
    top = inverse(1 << (m - 1))
    part_r = [[rand.scalar() for _ in range(m if j < n - 1 else m - 1)] for j in range(n)]
    rest_r = [[rand.scalar() for _ in range(m - 1)] for _ in range(n)]
    # The last option's top bit makes the parts' randomness add up to 0 …
    partial = sum(sum(r << b for b, r in enumerate(rs)) for rs in part_r)
    part_r[-1].append((-partial * top) % L)
    # … and each option's rest makes part + rest add up to 0 too.
    for j in range(n):
        part_total = sum(r << b for b, r in enumerate(part_r[j]))
        rest_partial = sum(r << b for b, r in enumerate(rest_r[j]))
        rest_r[j].append((-(part_total + rest_partial) * top) % L)
    parts = []
    messages: list[int] = []
    randomness: list[int] = []
    for j, value in enumerate(parts_values):
        part_bits, rest_bits = _bits_of(value, m), _bits_of(weight - value, m)
        bits = _encrypt_bits(
            who, part_bits, part_r[j], TAG_PART_BIT, [bit_extra(j, b) for b in range(m)], rand
        )
        rest = _encrypt_bits(
            who, rest_bits, rest_r[j], TAG_REST_BIT, [bit_extra(j, b) for b in range(m)], rand
        )
        parts.append(DividedPart(bits, rest))
        messages += part_bits + rest_bits
        randomness += part_r[j] + rest_r[j]
    ballot = Ballot(
        poll=who.fingerprint.hex(),
        voter=who.voter,
        voting_key=raw_public_key(who.key.public_key()),
        previous=who.previous,
        parts=tuple(parts),
    )
    return ballot, Opening(tuple(messages), tuple(randomness))


def sign_ballot(ballot: Ballot, key: Ed25519PrivateKey) -> bytes:
    """The voting key's Ed25519 signature (RFC 8032) of the ballot's canonical bytes."""
    return key.sign(ballot.signed_bytes())


def ballot_ciphertexts(ballot: Ballot) -> list[Ciphertext]:
    """Every ciphertext of a ballot in opening order."""
    if ballot.parts:
        return [bit.ciphertext for part in ballot.parts for bit in (*part.bits, *part.rest)]
    return [choice.ciphertext for choice in ballot.choices]
