"""Canonical JSON (RFC 8785) and SHA-256 helpers. Placeholder until the core lands."""

import hashlib
from typing import Any

import rfc8785


def canonical_json(obj: Any) -> bytes:
    """Serialize `obj` as RFC 8785 (JCS) canonical JSON bytes."""
    return rfc8785.dumps(obj)


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()
