"""Which Ed25519 public keys may sign ballots and trustee messages (docs/e2e-protocol.md §2).

RFC 8032 lets verifiers differ on keys with a small-order (torsion) component: OpenSSL and
libsodium check the cofactorless equation, @noble/curves the cofactored one, and for such
a key they disagree on some signatures. So a voting key or a trustee key must be the
canonical encoding of a point of prime order L: libsodium says it is a valid point of no
small order, and L·A is the identity (again libsodium's multiplication). With such keys,
both equations accept exactly the same signatures.
"""

from __future__ import annotations

import ctypes

from ballots.e2e.group import L, _sodium

_ED25519_IDENTITY = bytes([1]) + bytes(31)  # (0, 1): y = 1, the neutral element
_ORDER = L.to_bytes(32, "little")


def is_prime_order_key(raw: bytes) -> bool:
    """Whether `raw` is a canonical Ed25519 public key of prime order L."""
    if len(raw) != 32 or _sodium.crypto_core_ed25519_is_valid_point(raw) != 1:
        return False
    out = ctypes.create_string_buffer(32)
    # libsodium returns -1 exactly when the product is the identity: here, the good case.
    _sodium.crypto_scalarmult_ed25519_noclamp(out, _ORDER, raw)
    return out.raw == _ED25519_IDENTITY
