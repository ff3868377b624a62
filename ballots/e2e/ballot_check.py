"""Checking one encrypted ballot (docs/e2e-protocol.md §6.4): what the server does before
accepting it, and what `asamblea verify` does for every ballot of a bundle.

Each check has a name, reported when it fails:

  ballot_format     the JSON is exactly a ballot of this poll's kind, canonical encodings,
                    no identity element, proofs of the right size
  ballot_poll       it names this poll's fingerprint (not another poll's)
  ballot_voter      it is for this voting right, which is on the roll
  ballot_key        its voting key is the one the key roll authorizes for the right
  ballot_previous   it names the right's previous ballot (no replay, no fork)
  ballot_signature  the voting key's Ed25519 signature of its canonical bytes
  ballot_proof      every 0/1 proof (and the count proof of a "multiple" poll)
  ballot_sum        the choices add up to one (the parts to the weight)
  ballot_range      each part plus its rest is the weight (no part above the weight)
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ballots.e2e import group
from ballots.e2e.ballot import Ballot, EncryptedBit, parse_ballot
from ballots.e2e.encoding import EncodingError
from ballots.e2e.group import Point
from ballots.e2e.params import PollParams
from ballots.e2e.proofs import verify_one_of
from ballots.e2e.statements import (
    BIT_VALUES,
    TAG_CHOICE,
    TAG_COUNT,
    TAG_PART_BIT,
    TAG_REST_BIT,
    as_points,
    ballot_context,
    bit_extra,
    bits_for,
    choice_extra,
    count_ciphertext,
    count_values,
    from_bits,
    public_weight,
)
from ballots.e2e.transcript import ProofContext


@dataclass(frozen=True)
class Verification:
    """The outcome of checking one thing: ok, the name of the check that decided, why."""

    ok: bool
    check: str
    reason: str


OK = Verification(True, "ballot", "valid")


def _fail(check: str, reason: str) -> Verification:
    return Verification(False, check, reason)


@dataclass(frozen=True)
class PollCheck:
    """What checking ballots of one poll needs, computed once: its parameters, their
    fingerprint, the election key, and 0·G and 1·G for the 0/1 proofs."""

    params: PollParams
    fingerprint: bytes
    election_key: Point
    bit_points: tuple[Point, Point]
    count_values: tuple[int, ...]

    @classmethod
    def of(cls, params: PollParams) -> PollCheck:
        """Precompute for `params`."""
        return cls(
            params=params,
            fingerprint=params.fingerprint(),
            election_key=params.election_key,
            bit_points=(group.IDENTITY, group.GENERATOR),
            count_values=count_values(params.spec),
        )

    def parse(self, data: object) -> Ballot:
        """`parse_ballot` with this poll's shape (`EncodingError` when malformed)."""
        ballot = parse_ballot(
            data, options=len(self.params.spec.options), count_values=len(self.count_values)
        )
        if bool(ballot.parts) != self.params.divided:
            kind = "divided votes" if self.params.divided else "choices"
            raise EncodingError(f"this poll's ballots carry {kind}")
        return ballot


def _bit_ok(
    poll: PollCheck, context: ProofContext, tag: str, bit: EncryptedBit, extra: list[bytes]
) -> bool:
    return verify_one_of(
        tag,
        context,
        poll.election_key,
        bit.ciphertext,
        BIT_VALUES,
        extra,
        bit.proof,
        poll.bit_points,
    )


def check_proofs(poll: PollCheck, ballot: Ballot, weight: int) -> Verification:
    """ballot_proof, ballot_sum and ballot_range for a parsed ballot of a right of
    `weight` (its poll, voter and key are checked by `check_cast`)."""
    context = ballot_context(poll.fingerprint, ballot.voter, ballot.voting_key)
    if ballot.parts:
        return _check_divided(poll, context, ballot, weight)
    for j, choice in enumerate(ballot.choices):
        if not _bit_ok(poll, context, TAG_CHOICE, choice, choice_extra(j)):
            return _fail("ballot_proof", f"the 0/1 proof of option {j} does not verify")
    ciphertexts = [choice.ciphertext for choice in ballot.choices]
    if ballot.count_proof is not None:
        count = count_ciphertext(poll.params.spec, ciphertexts)
        if not verify_one_of(
            TAG_COUNT,
            context,
            poll.election_key,
            count,
            poll.count_values,
            [],
            ballot.count_proof,
        ):
            return _fail("ballot_proof", "the count proof (1 to k choices) does not verify")
        return OK
    total = (
        group.total([c.alpha for c in ciphertexts]),
        group.total([c.beta for c in ciphertexts]),
    )
    if total != (group.IDENTITY, group.GENERATOR):
        return _fail("ballot_sum", "the choices do not add up to exactly one option")
    return OK


def _check_divided(
    poll: PollCheck, context: ProofContext, ballot: Ballot, weight: int
) -> Verification:
    m = bits_for(weight)
    for j, part in enumerate(ballot.parts):
        if len(part.bits) != m or len(part.rest) != m:
            return _fail(
                "ballot_range",
                f"option {j}: a right of weight {weight} gives parts of exactly {m} bits",
            )
    expected = as_points(public_weight(weight))
    parts = []
    for j, part in enumerate(ballot.parts):
        for tag, bits in ((TAG_PART_BIT, part.bits), (TAG_REST_BIT, part.rest)):
            for b, bit in enumerate(bits):
                if not _bit_ok(poll, context, tag, bit, bit_extra(j, b)):
                    kind = "part" if tag == TAG_PART_BIT else "rest"
                    return _fail("ballot_proof", f"option {j}: the proof of {kind} bit {b} fails")
        value = from_bits([bit.ciphertext for bit in part.bits])
        rest = from_bits([bit.ciphertext for bit in part.rest])
        both = (group.add(value.alpha, rest.alpha), group.add(value.beta, rest.beta))
        if both != expected:
            return _fail("ballot_range", f"option {j}: part and rest do not add up to the weight")
        parts.append(value)
    total = (group.total([p.alpha for p in parts]), group.total([p.beta for p in parts]))
    if total != expected:
        return _fail("ballot_sum", f"the parts do not add up to the weight {weight}")
    return OK


def check_signature(ballot: Ballot, signature: bytes) -> Verification:
    """ballot_signature: an Ed25519 signature (RFC 8032) of the ballot's canonical bytes
    by its voting key."""
    if len(signature) != 64:
        return _fail("ballot_signature", "a signature is 64 bytes")
    try:
        Ed25519PublicKey.from_public_bytes(ballot.voting_key).verify(
            signature, ballot.signed_bytes()
        )
    except (InvalidSignature, ValueError):
        return _fail("ballot_signature", "not a valid signature by the ballot's voting key")
    return OK


@dataclass(frozen=True)
class CastContext:
    """What the ledger says about the right a ballot is cast for: its weight (None when
    it is not on the roll), the key the key roll authorizes for it (None if none), and
    the hash of its previous ballot (None if this is its first)."""

    voter: str
    weight: int | None
    authorized_key: bytes | None
    previous: str | None


def check_cast(
    poll: PollCheck, data: object, signature: bytes, cast: CastContext
) -> tuple[Verification, Ballot | None]:
    """Every check of one ballot, in order; the first that fails is returned (with the
    parsed ballot when it could be parsed)."""
    try:
        ballot = poll.parse(data)
    except EncodingError as exc:
        return _fail("ballot_format", str(exc)), None
    if ballot.poll != poll.fingerprint.hex():
        return _fail("ballot_poll", "the ballot is for another poll"), ballot
    if ballot.voter != cast.voter or cast.weight is None:
        return _fail("ballot_voter", f"the ballot is for {ballot.voter!r}, not this right"), ballot
    if cast.authorized_key is None:
        return _fail("ballot_key", f"no voting key is registered for {cast.voter!r}"), ballot
    if ballot.voting_key != cast.authorized_key:
        return _fail(
            "ballot_key", "signed by a key the key roll does not (or no longer) authorize"
        ), ballot
    if ballot.previous != cast.previous:
        return _fail(
            "ballot_previous",
            "the ballot does not follow this right's previous ballot (replayed or forked)",
        ), ballot
    verdict = check_signature(ballot, signature)
    if not verdict.ok:
        return verdict, ballot
    return check_proofs(poll, ballot, cast.weight), ballot
