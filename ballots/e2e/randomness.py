"""Where provers get their random scalars: the OS, or a seeded generator for test vectors.

A prover draws every random scalar it needs from a `Randomness`, in the order each proof
states (docs/e2e-protocol.md §5), so that an implementation fed the same seed produces
byte-identical encryptions and proofs. `SeededRandomness` exists for the test vectors
only: a real ballot, key or share always uses `OsRandomness`.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from ballots.e2e.group import random_scalar, wide_reduce
from ballots.e2e.transcript import frame

TEST_DRBG_LABEL = b"asamblea/e2e/1/test-drbg"


class Randomness(Protocol):
    """A source of scalars in [1, L)."""

    def scalar(self) -> int:
        """The next random scalar."""
        ...


class OsRandomness:
    """Scalars from the operating system's generator (64 bytes, wide-reduced)."""

    def scalar(self) -> int:
        """A fresh uniformly random non-zero scalar."""
        return random_scalar()


class SeededRandomness:
    """Deterministic scalars for test vectors: the i-th (i = 0, 1, …) is
    SHA-512(frame("asamblea/e2e/1/test-drbg") ‖ frame(seed) ‖ frame(i as 8 bytes
    big-endian)) wide-reduced modulo L (a zero would be skipped)."""

    def __init__(self, seed: bytes) -> None:
        self.seed = seed
        self.counter = 0

    def scalar(self) -> int:
        """The next scalar of the seeded sequence."""
        while True:
            digest = hashlib.sha512(
                frame(TEST_DRBG_LABEL) + frame(self.seed) + frame(self.counter.to_bytes(8, "big"))
            ).digest()
            self.counter += 1
            value = wide_reduce(digest)
            if value:
                return value
