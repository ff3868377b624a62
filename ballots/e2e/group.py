"""The group ristretto255 (RFC 9496), through libsodium (`rbcl` binding).

Elements are their canonical 32-byte encodings (`Point`); scalars are Python integers in
[0, L). Every group operation is libsodium's: nothing here adds, doubles or multiplies
points by hand. Scalar arithmetic modulo the prime group order L is plain integer
arithmetic (exact, and what both the browser implementation and an auditor's script do).

libsodium's functions are called directly on the library rbcl bundles and loads (its
Python wrappers add a third to the cost of an addition and ignore libsodium's error codes).
Additions refuse invalid inputs (`GroupError`); a multiplication's output is the identity
when libsodium reports one, so only points that came out of libsodium or through
`ballots.e2e.encoding.decode_point` (which checks them) may be passed in.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
from typing import NewType

import rbcl

# rbcl writes its bundled libsodium to a temporary file at import and leaves it behind
# (2.8 MB per process). Once loaded, the file is no longer needed: on POSIX the mapping
# stays valid after unlinking; elsewhere the file simply stays.
try:
    os.unlink(rbcl._sodium._name)
except (OSError, AttributeError):  # pragma: no cover - Windows, or another rbcl layout
    pass

Point = NewType("Point", bytes)

L = 2**252 + 27742317777372353535851937790883648493  # RFC 9496 §4: the group order
POINT_BYTES = 32
IDENTITY = Point(bytes(32))
GENERATOR = Point(bytes.fromhex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"))

_sodium = rbcl._sodium  # the libsodium rbcl loaded (it calls sodium_init at import)
_buffer = ctypes.create_string_buffer


class GroupError(ValueError):
    """libsodium refused an input point (only possible for an unchecked encoding)."""


def scalar_bytes(k: int) -> bytes:
    """The 32-byte little-endian encoding of `k` mod L (RFC 9496 §4.4 scalars)."""
    return (k % L).to_bytes(32, "little")


def is_valid_encoding(data: bytes) -> bool:
    """Whether `data` is the canonical encoding of a ristretto255 element (RFC 9496
    §4.3.1 decoding succeeds; the identity, all zeros, is valid here)."""
    return len(data) == POINT_BYTES and _sodium.crypto_core_ristretto255_is_valid_point(data) == 1


def base_mul(k: int) -> Point:
    """k·G for the standard generator G (RFC 9496 §4.4); 0·G is the identity."""
    out = _buffer(POINT_BYTES)
    # -1 only when the result is the identity: `out` is then all zeros, its encoding.
    _sodium.crypto_scalarmult_ristretto255_base(out, scalar_bytes(k))
    return Point(out.raw)


def mul(k: int, p: Point) -> Point:
    """k·P; the identity when k ≡ 0 (mod L) or P is the identity."""
    out = _buffer(POINT_BYTES)
    _sodium.crypto_scalarmult_ristretto255(out, scalar_bytes(k), p)  # -1: identity, as above
    return Point(out.raw)


def add(p: Point, q: Point) -> Point:
    """P + Q."""
    out = _buffer(POINT_BYTES)
    if _sodium.crypto_core_ristretto255_add(out, p, q) != 0:
        raise GroupError("not a valid ristretto255 encoding")
    return Point(out.raw)


def sub(p: Point, q: Point) -> Point:
    """P − Q."""
    out = _buffer(POINT_BYTES)
    if _sodium.crypto_core_ristretto255_sub(out, p, q) != 0:
        raise GroupError("not a valid ristretto255 encoding")
    return Point(out.raw)


def neg(p: Point) -> Point:
    """−P."""
    return sub(IDENTITY, p)


def total(points: list[Point]) -> Point:
    """The sum of `points` (the identity for none)."""
    if not points:
        return IDENTITY
    acc = points[0]
    for point in points[1:]:
        acc = add(acc, point)
    return acc


def wide_reduce(data: bytes) -> int:
    """A 64-byte string read as a little-endian integer, reduced modulo L (the "wide
    reduction" of RFC 9496 §4.4 / libsodium's crypto_core_ristretto255_scalar_reduce)."""
    if len(data) != 64:
        raise ValueError("wide reduction takes exactly 64 bytes")
    return int.from_bytes(data, "little") % L


def random_scalar() -> int:
    """A uniformly random scalar in [1, L) from the OS generator (64 bytes, reduced)."""
    while True:
        k = wide_reduce(os.urandom(64))
        if k:
            return k


def hash_scalar(label: str, *parts: bytes) -> int:
    """SHA-512 of framed `label` and `parts`, wide-reduced: a scalar derived from data
    (used for seeds; challenges go through `ballots.e2e.transcript`)."""
    h = hashlib.sha512()
    for part in (label.encode("utf-8"), *parts):
        h.update(len(part).to_bytes(4, "big"))
        h.update(part)
    return wide_reduce(h.digest())


def inverse(k: int) -> int:
    """k⁻¹ mod L; ValueError for 0."""
    if k % L == 0:
        raise ValueError("zero has no inverse")
    return pow(k, -1, L)
