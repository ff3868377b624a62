"""Argon2id hashing of passwords and credentials (argon2-cffi). Callers run it off the event loop."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from governance.settings import PasswordHashing


@cache
def _hasher(params: PasswordHashing) -> PasswordHasher:
    return PasswordHasher(
        time_cost=params.time_cost,
        memory_cost=params.memory_cost,
        parallelism=params.parallelism,
        hash_len=32,
        salt_len=16,
        type=Type.ID,
    )


def hash_secret(params: PasswordHashing, secret: str) -> str:
    return _hasher(params).hash(secret)


def verify_secret(params: PasswordHashing, stored: str, secret: str) -> bool:
    try:
        return _hasher(params).verify(stored, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@cache
def dummy_hash(params: PasswordHashing) -> str:
    """Verified against when the account does not exist, so timing does not tell."""
    return hash_secret(params, "no such account")
