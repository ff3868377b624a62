"""Sealing a trustee's share to another trustee (docs/e2e-protocol.md §7.3).

A DHIES construction from established parts: Diffie–Hellman in ristretto255 (libsodium),
HKDF-SHA256 (RFC 5869) and ChaCha20-Poly1305 (RFC 8439) from `cryptography` — the shape of
HPKE's DHKEM, with ristretto255 in place of X25519 so that a recipient who receives a bad
share can *prove* the shared secret (a Chaum–Pedersen proof, `ballots.e2e.dkg`) and let
anyone decrypt the share and see the dealer cheated. No cipher is written here.

    E = e·G, K = e·T (sender) = t·E (recipient, T = t·G)
    info = frame("asamblea/e2e/1/share") ‖ frame(ceremony) ‖ frame(int8(from)) ‖ frame(int8(to))
           ‖ frame(E) ‖ frame(T)
    key ‖ nonce = HKDF-SHA256(ikm = K, salt = "", info, 44 bytes)
    ciphertext = ChaCha20-Poly1305(key).encrypt(nonce, share as 32 bytes little-endian, aad = info)
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ballots.e2e import group
from ballots.e2e.group import L, Point
from ballots.e2e.transcript import frame, integer

LABEL = b"asamblea/e2e/1/share"


@dataclass(frozen=True)
class SealedShare:
    """A share for trustee `to`: the sender's ephemeral point E and the AEAD ciphertext."""

    to: int
    ephemeral: Point
    ciphertext: bytes


def share_info(ceremony: bytes, sender: int, to: int, ephemeral: Point, transport: Point) -> bytes:
    """The HKDF info and AEAD associated data: binds the share to its ceremony, sender,
    recipient and keys."""
    return b"".join(
        frame(item)
        for item in (LABEL, ceremony, integer(sender), integer(to), ephemeral, transport)
    )


def _aead(shared: Point, info: bytes) -> tuple[ChaCha20Poly1305, bytes]:
    okm = HKDF(algorithm=hashes.SHA256(), length=44, salt=None, info=info).derive(shared)
    return ChaCha20Poly1305(okm[:32]), okm[32:]


def seal(
    ceremony: bytes, sender: int, to: int, transport: Point, share: int, ephemeral_secret: int
) -> SealedShare:
    """Encrypt `share` (a scalar) for the trustee whose transport key is `transport`."""
    ephemeral = group.base_mul(ephemeral_secret)
    info = share_info(ceremony, sender, to, ephemeral, transport)
    aead, nonce = _aead(group.mul(ephemeral_secret, transport), info)
    return SealedShare(to, ephemeral, aead.encrypt(nonce, group.scalar_bytes(share), info))


def open_with_shared(
    ceremony: bytes, sender: int, transport: Point, sealed: SealedShare, shared: Point
) -> int | None:
    """The share inside `sealed`, given the DH value K (by the recipient, or anyone from a
    proven complaint); None when the ciphertext does not open or is not a reduced scalar."""
    info = share_info(ceremony, sender, sealed.to, sealed.ephemeral, transport)
    aead, nonce = _aead(shared, info)
    try:
        plain = aead.decrypt(nonce, sealed.ciphertext, info)
    except InvalidTag:
        return None
    value = int.from_bytes(plain, "little")
    return value if len(plain) == 32 and value < L else None


def shared_secret(transport_secret: int, sealed: SealedShare) -> Point:
    """K = t·E, the recipient's side of the Diffie–Hellman."""
    return group.mul(transport_secret, sealed.ephemeral)
