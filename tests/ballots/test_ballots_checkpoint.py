"""Signed tree heads (c2sp.org/tlog-checkpoint over c2sp.org/signed-note)."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ballots.checkpoint import (
    CheckpointError,
    key_id,
    make_checkpoint,
    parse_checkpoint,
    sign_note,
    verify_checkpoint,
    verify_note,
)
from ballots.ledger import leaf_hash, root
from ballots.signing import generate_private_key

# golang.org/x/mod/sumdb/note, note_test.go: the reference implementation's example.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT
    + "\n— PeterNeumann "
    + "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FF"
    + "YC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)

ROOT = root([leaf_hash(b"ballot 0"), leaf_hash(b"ballot 1"), leaf_hash(b"ballot 2")])
ORIGIN = "asamblea.example.org/polls/42"


def _go_keys() -> tuple[Ed25519PrivateKey, Ed25519PublicKey]:
    seed = base64.b64decode(GO_SKEY.split("+", 4)[4])  # PRIVATE+KEY+name+hash+key
    public = base64.b64decode(GO_VKEY.split("+", 2)[2])  # name+hash+key
    assert seed[0] == public[0] == 1  # algorithm byte: Ed25519
    return Ed25519PrivateKey.from_private_bytes(seed[1:]), Ed25519PublicKey.from_public_bytes(
        public[1:]
    )


def test_key_id_and_signature_match_the_go_reference_byte_for_byte() -> None:
    key, pub = _go_keys()
    assert key_id("PeterNeumann", pub).hex() == "c74f20a3"
    assert sign_note(GO_TEXT, key, "PeterNeumann") == GO_NOTE
    assert verify_note(GO_NOTE, pub, "PeterNeumann") == GO_TEXT
    with pytest.raises(CheckpointError):
        verify_note(GO_NOTE.replace("cryptography", "cryptographY"), pub, "PeterNeumann")


def test_make_parse_verify_round_trip() -> None:
    key = generate_private_key()
    text = make_checkpoint(ORIGIN, 3, ROOT, key, "asamblea-ga-2024")
    body, _, signature_line = text.partition("\n\n")
    assert body == f"{ORIGIN}\n3\n{base64.b64encode(ROOT).decode()}"
    assert signature_line.startswith("— asamblea-ga-2024 ") and signature_line.endswith("\n")
    raw = base64.b64decode(signature_line.split(" ")[2])
    assert raw[:4] == key_id("asamblea-ga-2024", key.public_key()) and len(raw) == 68
    checkpoint = verify_checkpoint(text, key.public_key(), "asamblea-ga-2024")
    assert (checkpoint.origin, checkpoint.tree_size, checkpoint.root) == (ORIGIN, 3, ROOT)
    assert checkpoint == parse_checkpoint(text)


def test_other_signatures_are_ignored_and_cosigned_notes_verify_for_each_key() -> None:
    assembly, teller = generate_private_key(), generate_private_key()
    text = make_checkpoint(ORIGIN, 3, ROOT, assembly, "assembly")
    teller_line = sign_note(text.split("\n\n")[0] + "\n", teller, "teller").split("\n\n")[1]
    cosigned = text + teller_line
    assert verify_checkpoint(cosigned, assembly.public_key(), "assembly").tree_size == 3
    assert verify_checkpoint(cosigned, teller.public_key(), "teller").tree_size == 3
    assert len(parse_checkpoint(cosigned).signatures) == 2


def test_empty_tree_checkpoint() -> None:
    key = generate_private_key()
    text = make_checkpoint(ORIGIN, 0, root([]), key, "k")
    assert verify_checkpoint(text, key.public_key(), "k").tree_size == 0


@pytest.mark.parametrize(
    "spoil",
    [
        lambda t: t.replace("\n3\n", "\n4\n"),  # tree size changed
        lambda t: t.replace(ORIGIN, ORIGIN + "x"),  # origin changed
        lambda t: t.replace("— k ", "— other "),  # key name changed
        lambda t: t[:-6] + ("A" if t[-6] != "A" else "B") + t[-5:],  # signature bytes changed
    ],
)
def test_tampered_checkpoints_fail(spoil) -> None:  # type: ignore[no-untyped-def]
    key = generate_private_key()
    text = make_checkpoint(ORIGIN, 3, ROOT, key, "k")
    with pytest.raises(CheckpointError):
        verify_checkpoint(spoil(text), key.public_key(), "k")


def test_wrong_key_or_name_fails() -> None:
    key = generate_private_key()
    text = make_checkpoint(ORIGIN, 3, ROOT, key, "k")
    with pytest.raises(CheckpointError, match="no signature by key 'k'"):
        verify_checkpoint(text, generate_private_key().public_key(), "k")
    with pytest.raises(CheckpointError, match="no signature by key 'j'"):
        verify_checkpoint(text, key.public_key(), "j")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "origin\n3\n",
        f"{ORIGIN}\n3\n{base64.b64encode(ROOT).decode()}\n",  # no signatures
        f"{ORIGIN}\n03\n{base64.b64encode(ROOT).decode()}\n\n— k AAAAAAAA\n",  # leading zero
        f"{ORIGIN}\n-3\n{base64.b64encode(ROOT).decode()}\n\n— k AAAAAAAA\n",
        f"{ORIGIN}\n3\n{base64.b64encode(ROOT[:31]).decode()}\n\n— k AAAAAAAA\n",  # short root
        f"{ORIGIN}\n3\nnot*base64\n\n— k AAAAAAAA\n",
        f"{ORIGIN}\n3\n{base64.b64encode(ROOT).decode()}\n\n- k AAAAAAAA\n",  # hyphen, not em dash
        f"{ORIGIN}\n3\n{base64.b64encode(ROOT).decode()}\n\n— k AAAAAAAA",  # no final newline
        f"{ORIGIN}\n3\n{base64.b64encode(ROOT).decode()}\n\n— k AA\n",  # too short
        f"\n3\n{base64.b64encode(ROOT).decode()}\n\n— k AAAAAAAA\n",
    ],
)
def test_malformed_checkpoints_are_rejected(text: str) -> None:
    with pytest.raises(CheckpointError):
        parse_checkpoint(text)


def test_extension_lines_are_kept() -> None:
    key = generate_private_key()
    body = f"{ORIGIN}\n3\n{base64.b64encode(ROOT).decode()}\nclosed 2024-05-14T14:10:00Z\n"
    checkpoint = verify_checkpoint(sign_note(body, key, "k"), key.public_key(), "k")
    assert checkpoint.extensions == ("closed 2024-05-14T14:10:00Z",)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((ORIGIN, 3, ROOT, "bad name"), "invalid key name"),
        ((ORIGIN, 3, ROOT, "a+b"), "invalid key name"),
        ((ORIGIN, 3, ROOT, ""), "invalid key name"),
        (("two\nlines", 3, ROOT, "k"), "invalid origin"),
        ((ORIGIN, -1, ROOT, "k"), "tree size"),
        ((ORIGIN, True, ROOT, "k"), "tree size"),
        ((ORIGIN, 3, ROOT[:16], "k"), "root must be 32 bytes"),
    ],
)
def test_make_checkpoint_validates_its_inputs(args: tuple, message: str) -> None:
    origin, size, tree_root, name = args
    with pytest.raises(CheckpointError, match=message):
        make_checkpoint(origin, size, tree_root, generate_private_key(), name)
