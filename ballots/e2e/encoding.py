"""Text forms of group elements and scalars, canonical only (docs/e2e-protocol.md §2).

A point is 64 lower-case hex digits of its RFC 9496 encoding; a scalar is 64 lower-case
hex digits of its 32-byte little-endian value, which must be below L. Decoding refuses
anything else — upper case, other lengths, non-canonical or invalid encodings, scalars
≥ L, and (where a check asks for it) the identity — with an `EncodingError` that says
which field and why, so a verifier can name the failing check.
"""

from __future__ import annotations

import re

from ballots.e2e.group import IDENTITY, L, Point, is_valid_encoding, scalar_bytes

_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX = re.compile(r"(?:[0-9a-f]{2})*")


class EncodingError(ValueError):
    """A value that is not the canonical text form the protocol requires."""


def point_hex(p: Point) -> str:
    """The text form of a point: 64 lower-case hex digits."""
    return p.hex()


def scalar_hex(k: int) -> str:
    """The text form of a scalar in [0, L): 64 lower-case hex digits, little-endian."""
    if not 0 <= k < L:
        raise EncodingError("scalar out of range")
    return scalar_bytes(k).hex()


def decode_point(text: object, what: str, *, allow_identity: bool = False) -> Point:
    """The point whose canonical text form is `text`; `what` names it in errors.

    Refuses non-strings, anything but 64 lower-case hex digits, encodings that RFC 9496
    decoding rejects (non-canonical field elements, negative or off-curve values), and
    the identity unless `allow_identity`.
    """
    if not isinstance(text, str) or not _HEX64.fullmatch(text):
        raise EncodingError(f"{what} must be 64 lower-case hex digits")
    raw = bytes.fromhex(text)
    if not is_valid_encoding(raw):
        raise EncodingError(f"{what} is not a canonical ristretto255 encoding")
    if raw == IDENTITY and not allow_identity:
        raise EncodingError(f"{what} is the identity element")
    return Point(raw)


def decode_scalar(text: object, what: str) -> int:
    """The scalar whose canonical text form is `text` (64 lower-case hex digits, a
    little-endian integer below L)."""
    if not isinstance(text, str) or not _HEX64.fullmatch(text):
        raise EncodingError(f"{what} must be 64 lower-case hex digits")
    value = int.from_bytes(bytes.fromhex(text), "little")
    if value >= L:
        raise EncodingError(f"{what} is not reduced modulo the group order")
    return value


def decode_hex(text: object, what: str, size: int | None = None) -> bytes:
    """Bytes from lower-case hex (exactly `size` bytes when given)."""
    if not isinstance(text, str) or not _HEX.fullmatch(text):
        raise EncodingError(f"{what} must be lower-case hex")
    data = bytes.fromhex(text)
    if size is not None and len(data) != size:
        raise EncodingError(f"{what} must be {size} bytes, got {len(data)}")
    return data
