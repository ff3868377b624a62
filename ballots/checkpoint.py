"""Signed tree heads as C2SP tlog-checkpoint signed notes.

A checkpoint (c2sp.org/tlog-checkpoint) is the body

    <origin>\\n<tree size, decimal>\\n<base64 root hash>\\n[extension lines\\n]

signed as a signed note (c2sp.org/signed-note): the body, one blank line, then one line per
signature, "— <key name> <base64(key ID ‖ signature)>". For Ed25519 the key ID is the first
4 bytes of SHA-256(key name ‖ "\\n" ‖ 0x01 ‖ 32-byte public key), 0x01 naming the algorithm.
Such a note can be checked by any signed-note verifier (e.g. Go's golang.org/x/mod/sumdb/note).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ballots.ledger import HASH_SIZE
from ballots.signing import raw_public_key, sign, verify_signature

_ALG_ED25519 = b"\x01"
_DASH = "\u2014 "  # "— ": an em dash and a space open every signature line
_SIZE = re.compile(r"0|[1-9][0-9]*")
_MAX_NOTE = 1 << 20


class CheckpointError(ValueError):
    """A checkpoint that is malformed, unsigned by the expected key, or badly signed."""


@dataclass(frozen=True)
class NoteSignature:
    """One signature line of a signed note."""

    key_name: str
    key_id: bytes
    signature: bytes


@dataclass(frozen=True)
class Checkpoint:
    """A parsed checkpoint: the log's origin, size and RFC 6962 root, and its signatures."""

    origin: str
    tree_size: int
    root: bytes
    signatures: tuple[NoteSignature, ...]
    extensions: tuple[str, ...] = ()


def _check_key_name(key_name: str) -> None:
    # signed-note: a key name is non-empty and has no whitespace and no "+".
    if not key_name or "+" in key_name or any(ch.isspace() for ch in key_name):
        raise CheckpointError(f"invalid key name {key_name!r}: needs no spaces and no '+'")


def key_id(key_name: str, public_key: Ed25519PublicKey) -> bytes:
    """The signed-note key ID: SHA-256(name ‖ "\\n" ‖ 0x01 ‖ raw Ed25519 key)[:4]."""
    data = key_name.encode("utf-8") + b"\n" + _ALG_ED25519 + raw_public_key(public_key)
    return hashlib.sha256(data).digest()[:4]


def _body(origin: str, tree_size: int, root: bytes) -> str:
    return f"{origin}\n{tree_size}\n{base64.b64encode(root).decode('ascii')}\n"


def sign_note(body: str, key: Ed25519PrivateKey, key_name: str) -> str:
    """Sign `body` as a c2sp.org/signed-note: body, a blank line, one Ed25519 signature
    line. The body must be non-empty, end in a newline, and have no blank line."""
    _check_key_name(key_name)
    if not body.endswith("\n") or "\n\n" in body or body == "\n":
        raise CheckpointError("a note body ends with a newline and has no blank line")
    signature = key_id(key_name, key.public_key()) + sign(key, body.encode("utf-8"))
    return f"{body}\n{_DASH}{key_name} {base64.b64encode(signature).decode('ascii')}\n"


def make_checkpoint(
    origin: str, tree_size: int, root: bytes, key: Ed25519PrivateKey, key_name: str
) -> str:
    """Sign the tree head (origin, tree_size, root) as a c2sp.org/tlog-checkpoint note."""
    _check_key_name(key_name)
    if not origin or "\n" in origin or origin != origin.strip():
        raise CheckpointError(f"invalid origin {origin!r}: one line, no surrounding spaces")
    if isinstance(tree_size, bool) or not isinstance(tree_size, int) or tree_size < 0:
        raise CheckpointError(f"tree size must be an integer >= 0, got {tree_size!r}")
    if len(root) != HASH_SIZE:
        raise CheckpointError(f"root must be {HASH_SIZE} bytes, got {len(root)}")
    return sign_note(_body(origin, tree_size, root), key, key_name)


def _split_note(text: str) -> tuple[str, list[str]]:
    if len(text) > _MAX_NOTE:
        raise CheckpointError("checkpoint is too large")
    body, sep, sigs = text.partition("\n\n")
    if not sep:
        raise CheckpointError("no blank line between the checkpoint body and its signatures")
    if not sigs.endswith("\n"):
        raise CheckpointError("the last signature line does not end with a newline")
    lines = sigs[:-1].split("\n")
    if not lines or lines == [""]:
        raise CheckpointError("checkpoint has no signature lines")
    return body + "\n", lines


def _parse_signature(line: str) -> NoteSignature:
    if not line.startswith(_DASH):
        raise CheckpointError(f"signature line does not start with an em dash: {line!r}")
    name, space, encoded = line[len(_DASH) :].partition(" ")
    if not space or not name or " " in encoded:
        raise CheckpointError(f"malformed signature line: {line!r}")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise CheckpointError(f"signature of {name!r} is not base64") from None
    if len(raw) < 5:
        raise CheckpointError(f"signature of {name!r} is too short")
    return NoteSignature(key_name=name, key_id=raw[:4], signature=raw[4:])


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint note (without checking signatures); `CheckpointError` if malformed."""
    body, sig_lines = _split_note(text)
    lines = body[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError("checkpoint body needs origin, tree size and root hash lines")
    origin, size_text, root_text = lines[0], lines[1], lines[2]
    if not origin:
        raise CheckpointError("checkpoint origin is empty")
    if not _SIZE.fullmatch(size_text):
        raise CheckpointError(f"tree size {size_text!r} is not a decimal number")
    try:
        root = base64.b64decode(root_text, validate=True)
    except (binascii.Error, ValueError):
        raise CheckpointError(f"root hash {root_text!r} is not base64") from None
    if len(root) != HASH_SIZE:
        raise CheckpointError(f"root hash is {len(root)} bytes, expected {HASH_SIZE}")
    extensions = tuple(lines[3:])
    if any(not ext for ext in extensions):
        raise CheckpointError("checkpoint body has an empty line")
    return Checkpoint(
        origin=origin,
        tree_size=int(size_text),
        root=root,
        signatures=tuple(_parse_signature(line) for line in sig_lines),
        extensions=extensions,
    )


def verify_note(text: str, public_key: Ed25519PublicKey, key_name: str) -> str:
    """Check a c2sp.org/signed-note for a valid Ed25519 signature by (`key_name`,
    `public_key`) and return its body. Signatures by other keys are ignored; the expected
    key is found by name and key ID. Raises `CheckpointError` when none verifies."""
    _check_key_name(key_name)
    body, sig_lines = _split_note(text)
    signatures = [_parse_signature(line) for line in sig_lines]
    expected_id = key_id(key_name, public_key)
    candidates = [s for s in signatures if s.key_name == key_name and s.key_id == expected_id]
    if not candidates:
        raise CheckpointError(f"note has no signature by key {key_name!r}")
    data = body.encode("utf-8")
    if not any(verify_signature(public_key, s.signature, data) for s in candidates):
        raise CheckpointError(f"signature by key {key_name!r} does not verify")
    return body


def verify_checkpoint(text: str, public_key: Ed25519PublicKey, key_name: str) -> Checkpoint:
    """Parse a checkpoint and require a valid signature by (`key_name`, `public_key`)
    (c2sp.org/tlog-checkpoint over c2sp.org/signed-note); `CheckpointError` otherwise."""
    verify_note(text, public_key, key_name)
    return parse_checkpoint(text)
