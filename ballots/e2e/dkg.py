"""Pedersen's distributed key generation with Feldman commitments: a k-of-n election key
without a trusted dealer (docs/e2e-protocol.md §7.2–7.4), as Belenios does.

1. Card: each trustee i draws a transport secret tᵢ and publishes Tᵢ = tᵢ·G with a Schnorr
   proof (tag trustee/transport).
2. Dealing: each trustee i draws a polynomial fᵢ(z) = Σⱼ aᵢ,ⱼ zʲ of degree k − 1, publishes
   Cᵢ,ⱼ = aᵢ,ⱼ·G with a Schnorr proof of aᵢ,₀ (tag trustee/coefficient, against rogue
   keys), and seals fᵢ(ℓ) to every other trustee ℓ (`ballots.e2e.sealing`).
3. Each trustee ℓ opens its shares and checks fᵢ(ℓ)·G = Σⱼ ℓʲ·Cᵢ,ⱼ. For a share that does
   not open or does not match, it publishes a complaint: the DH value K = tℓ·Eᵢ,ℓ with a
   Chaum–Pedersen proof (tag trustee/complaint) — then anyone opens the share and sees
   whether dealer i cheated.
4. Qualified: the dealers with a valid dealing and no upheld complaint (at least k). Each
   trustee's secret share is xℓ = Σᵢ fᵢ(ℓ) over them; the public outcome is `Trustees`.

The draws of each step are listed in its function's docstring (test vectors).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballots.e2e import group
from ballots.e2e.ceremony import Ceremony, CeremonyError, open_message, sign_message
from ballots.e2e.encoding import EncodingError, decode_hex, decode_point, point_hex
from ballots.e2e.group import L, Point
from ballots.e2e.proofs import (
    EqualityProof,
    SchnorrProof,
    prove_equality,
    prove_schnorr,
    verify_equality,
    verify_schnorr,
)
from ballots.e2e.randomness import Randomness
from ballots.e2e.sealing import SealedShare, open_with_shared, seal, shared_secret
from ballots.e2e.transcript import integer
from ballots.e2e.trustees import Trustees

CARD = "asamblea.trustee-card/1"
DEALING = "asamblea.trustee-dealing/1"
COMPLAINT = "asamblea.trustee-complaint/1"
TAG_TRANSPORT = "trustee/transport"
TAG_COEFFICIENT = "trustee/coefficient"
TAG_COMPLAINT = "trustee/complaint"


@dataclass(frozen=True)
class Card:
    """A trustee's transport key."""

    index: int
    transport: Point


@dataclass(frozen=True)
class Dealing:
    """A trustee's Feldman commitments and sealed shares (recipient → share)."""

    index: int
    commitments: tuple[Point, ...]
    shares: Mapping[int, SealedShare]


@dataclass(frozen=True)
class Complaint:
    """Trustee `accuser`'s proven DH value for the share dealer `against` sealed to it."""

    accuser: int
    against: int
    shared: Point
    proof: EqualityProof


def expected_share_point(commitments: Sequence[Point], index: int) -> Point:
    """Σⱼ indexʲ·Cⱼ: what f(index)·G must be."""
    return group.total([group.mul(pow(index, j, L), c) for j, c in enumerate(commitments)])


def make_card(
    ceremony: Ceremony, index: int, key: Ed25519PrivateKey, rand: Randomness
) -> tuple[dict[str, object], int]:
    """Trustee `index`'s signed card and its transport secret. Draws: t, then the proof's w."""
    secret = rand.scalar()
    proof = prove_schnorr(TAG_TRANSPORT, ceremony.context(index), secret, rand)
    message = {
        "format": CARD,
        "ceremony": ceremony.fingerprint().hex(),
        "index": index,
        "transport_key": point_hex(group.base_mul(secret)),
        "proof": proof.to_dict(),
    }
    return sign_message(key, message), secret


def read_card(ceremony: Ceremony, signed: object) -> Card:
    """A signed card, checked (signature, encoding, proof); `CeremonyError` otherwise."""
    index, message = open_message(ceremony, signed, CARD, frozenset({"transport_key", "proof"}))
    try:
        transport = decode_point(message["transport_key"], "transport_key")
        proof = SchnorrProof.from_dict(message["proof"], "proof")
    except EncodingError as exc:
        raise CeremonyError("ceremony_format", f"card of trustee {index}: {exc}", index) from None
    if not verify_schnorr(TAG_TRANSPORT, ceremony.context(index), transport, proof):
        raise CeremonyError("ceremony_proof", f"the card of trustee {index} fails its proof", index)
    return Card(index, transport)


def make_dealing(
    ceremony: Ceremony,
    index: int,
    key: Ed25519PrivateKey,
    cards: Mapping[int, Card],
    rand: Randomness,
) -> tuple[dict[str, object], tuple[int, ...]]:
    """Trustee `index`'s signed dealing and its polynomial's coefficients. Draws: a₀ … aₖ₋₁,
    the proof's w, then one ephemeral secret per other trustee in index order."""
    coefficients = tuple(rand.scalar() for _ in range(ceremony.threshold))
    proof = prove_schnorr(TAG_COEFFICIENT, ceremony.context(index), coefficients[0], rand)
    fingerprint = ceremony.fingerprint()
    shares = []
    for other in sorted(cards):
        if other == index:
            continue
        sealed = seal(
            fingerprint,
            index,
            other,
            cards[other].transport,
            evaluate(coefficients, other),
            rand.scalar(),
        )
        shares.append(
            {
                "to": other,
                "ephemeral": point_hex(sealed.ephemeral),
                "ciphertext": sealed.ciphertext.hex(),
            }
        )
    message = {
        "format": DEALING,
        "ceremony": fingerprint.hex(),
        "index": index,
        "commitments": [point_hex(group.base_mul(a)) for a in coefficients],
        "proof": proof.to_dict(),
        "shares": shares,
    }
    return sign_message(key, message), coefficients


def evaluate(coefficients: Sequence[int], at: int) -> int:
    """f(at) mod L for f(z) = Σⱼ coefficients[j]·zʲ."""
    value = 0
    for a in reversed(coefficients):
        value = (value * at + a) % L
    return value


def _sealed(item: object, what: str) -> SealedShare:
    if not isinstance(item, Mapping) or set(item) != {"to", "ephemeral", "ciphertext"}:
        raise EncodingError(f"{what} must have exactly to, ephemeral, ciphertext")
    to = item["to"]
    if not isinstance(to, int) or isinstance(to, bool):
        raise EncodingError(f"{what}.to must be an integer")
    return SealedShare(
        to=to,
        ephemeral=decode_point(item["ephemeral"], f"{what}.ephemeral"),
        ciphertext=decode_hex(item["ciphertext"], f"{what}.ciphertext", 48),
    )


def read_dealing(ceremony: Ceremony, signed: object, holders: Sequence[int]) -> Dealing:
    """A signed dealing, checked: k non-identity commitments, the proof of the constant
    coefficient, and exactly one sealed share for each other holder (trustee with a card)."""
    fields = frozenset({"commitments", "proof", "shares"})
    index, message = open_message(ceremony, signed, DEALING, fields)
    try:
        listed = message["commitments"]
        if not isinstance(listed, list) or len(listed) != ceremony.threshold:
            raise EncodingError(f"it must have {ceremony.threshold} commitments")
        commitments = tuple(decode_point(c, f"commitments[{j}]") for j, c in enumerate(listed))
        proof = SchnorrProof.from_dict(message["proof"], "proof")
        items = message["shares"]
        if not isinstance(items, list) or len(items) > len(ceremony.trustees):
            raise EncodingError("shares must be a list")
        shares = {}
        for n, item in enumerate(items):
            sealed = _sealed(item, f"shares[{n}]")
            shares[sealed.to] = sealed
    except EncodingError as exc:
        raise CeremonyError(
            "ceremony_format", f"dealing of trustee {index}: {exc}", index
        ) from None
    if sorted(shares) != [h for h in holders if h != index] or len(shares) != len(items):
        raise CeremonyError(
            "ceremony_format",
            f"the dealing of trustee {index} does not seal one share per holder",
            index,
        )
    if not verify_schnorr(TAG_COEFFICIENT, ceremony.context(index), commitments[0], proof):
        raise CeremonyError(
            "ceremony_proof", f"the dealing of trustee {index} fails its proof", index
        )
    return Dealing(index, commitments, shares)


def receive(
    ceremony: Ceremony,
    index: int,
    key: Ed25519PrivateKey,
    transport_secret: int,
    cards: Mapping[int, Card],
    dealings: Mapping[int, Dealing],
    rand: Randomness,
) -> tuple[dict[int, int], list[dict[str, object]]]:
    """Trustee `index` opens the shares dealt to it: (dealer → share) for the good ones,
    and a signed complaint for each bad one. Draws: one w per complaint, dealers in order."""
    fingerprint = ceremony.fingerprint()
    good: dict[int, int] = {}
    complaints = []
    for dealer in sorted(dealings):
        if dealer == index:
            continue
        sealed = dealings[dealer].shares[index]
        shared = shared_secret(transport_secret, sealed)
        share = open_with_shared(fingerprint, dealer, cards[index].transport, sealed, shared)
        expected = expected_share_point(dealings[dealer].commitments, index)
        if share is not None and group.base_mul(share) == expected:
            good[dealer] = share
            continue
        proof = prove_equality(
            TAG_COMPLAINT,
            ceremony.context(index),
            transport_secret,
            sealed.ephemeral,
            [integer(dealer)],
            rand,
        )
        message = {
            "format": COMPLAINT,
            "ceremony": fingerprint.hex(),
            "index": index,
            "against": dealer,
            "shared": point_hex(shared),
            "proof": proof.to_dict(),
        }
        complaints.append(sign_message(key, message))
    return good, complaints


def read_complaint(ceremony: Ceremony, signed: object) -> Complaint:
    """A signed complaint, decoded (its proof is judged by `upheld`)."""
    index, message = open_message(
        ceremony, signed, COMPLAINT, frozenset({"against", "shared", "proof"})
    )
    try:
        against = message["against"]
        if not isinstance(against, int) or isinstance(against, bool) or against == index:
            raise EncodingError("against must be another trustee's index")
        shared = decode_point(message["shared"], "shared")
        proof = EqualityProof.from_dict(message["proof"], "proof")
    except EncodingError as exc:
        raise CeremonyError("ceremony_format", f"complaint of trustee {index}: {exc}") from None
    return Complaint(index, against, shared, proof)


def upheld(
    ceremony: Ceremony,
    cards: Mapping[int, Card],
    dealings: Mapping[int, Dealing],
    complaint: Complaint,
) -> bool:
    """Whether `complaint` proves its dealer cheated: its proof shows K = tℓ·E, and with K
    the share does not open or does not match the dealer's commitments. A complaint with
    a bad proof, or against a good share, is rejected (False)."""
    dealing = dealings.get(complaint.against)
    card = cards.get(complaint.accuser)
    if dealing is None or card is None or complaint.accuser not in dealing.shares:
        return False
    sealed = dealing.shares[complaint.accuser]
    if not verify_equality(
        TAG_COMPLAINT,
        ceremony.context(complaint.accuser),
        card.transport,
        sealed.ephemeral,
        complaint.shared,
        [integer(complaint.against)],
        complaint.proof,
    ):
        return False
    share = open_with_shared(
        ceremony.fingerprint(), complaint.against, card.transport, sealed, complaint.shared
    )
    expected = expected_share_point(dealing.commitments, complaint.accuser)
    return share is None or group.base_mul(share) != expected


@dataclass(frozen=True)
class Outcome:
    """The ceremony's public outcome: the trustee set (None when fewer than k dealers
    qualified), why each trustee was left out (index → reason), and the messages set
    aside (unsigned or malformed ones, complaints not upheld)."""

    trustees: Trustees | None
    excluded: Mapping[int, str] = field(default_factory=dict)
    set_aside: tuple[str, ...] = ()


def outcome(
    ceremony: Ceremony,
    cards: Sequence[object],
    dealings: Sequence[object],
    complaints: Sequence[object],
) -> Outcome:
    """Judge a whole ceremony transcript from public data only (what the verifier does)."""
    excluded: dict[int, str] = {}
    rejected: list[str] = []
    good_cards: dict[int, Card] = {}
    for signed in cards:
        try:
            card = read_card(ceremony, signed)
        except CeremonyError as exc:
            _blame(exc, excluded, rejected)
            continue
        good_cards.setdefault(card.index, card)
    holders = sorted(good_cards)
    good_dealings: dict[int, Dealing] = {}
    for signed in dealings:
        try:
            dealing = read_dealing(ceremony, signed, holders)
        except CeremonyError as exc:
            _blame(exc, excluded, rejected)
            continue
        if dealing.index in good_cards:
            good_dealings.setdefault(dealing.index, dealing)
    for signed in complaints:
        try:
            complaint = read_complaint(ceremony, signed)
        except CeremonyError as exc:
            rejected.append(str(exc))
            continue
        if upheld(ceremony, good_cards, good_dealings, complaint):
            excluded.setdefault(
                complaint.against,
                f"trustee {complaint.against} dealt trustee {complaint.accuser} a bad share",
            )
        else:
            rejected.append(
                f"the complaint of trustee {complaint.accuser} against {complaint.against} "
                "is not upheld"
            )
    for index in range(1, ceremony.count + 1):
        if index not in good_dealings:
            excluded.setdefault(index, f"trustee {index} has no valid dealing")
    qualified = {i: d.commitments for i, d in good_dealings.items() if i not in excluded}
    trustees = None
    if len(qualified) >= ceremony.threshold:
        trustees = Trustees(
            ceremony=ceremony.fingerprint(),
            threshold=ceremony.threshold,
            count=ceremony.count,
            commitments=dict(sorted(qualified.items())),
        )
    return Outcome(trustees, dict(sorted(excluded.items())), tuple(rejected))


def _blame(exc: CeremonyError, excluded: dict[int, str], rejected: list[str]) -> None:
    """A wrong message excludes its trustee only if that trustee signed it; otherwise
    it is set aside (anyone can post a message that is not signed)."""
    if exc.signer is not None:
        excluded.setdefault(exc.signer, str(exc))
    else:
        rejected.append(str(exc))


def final_share(
    own: int, coefficients: Sequence[int], received: Mapping[int, int], trustees: Trustees
) -> int:
    """Trustee `own`'s secret share xℓ = Σᵢ fᵢ(ℓ) over the qualified dealers; ValueError if
    a qualified dealer's share is missing (then the trustee must complain, not guess)."""
    total = 0
    for dealer in trustees.commitments:
        if dealer == own:
            total += evaluate(coefficients, own)
        elif dealer in received:
            total += received[dealer]
        else:
            raise ValueError(f"no valid share from qualified trustee {dealer}")
    return total % L
