"""Fixed seeds for the secret-poll vectors and tests (docs/e2e-protocol.md §12)."""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballots.e2e.randomness import SeededRandomness


def seeded(label: str) -> SeededRandomness:
    """The test generator seeded with a label's UTF-8 bytes."""
    return SeededRandomness(label.encode())


def voting_key(label: str) -> Ed25519PrivateKey:
    """An Ed25519 key whose 32-byte seed is SHA-256 of the label (RFC 8032 §5.1.5)."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(label.encode()).digest())
