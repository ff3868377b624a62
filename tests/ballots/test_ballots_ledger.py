"""The RFC 6962 ledger, against the published vectors in shared/testdata/rfc6962."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.ledger import (
    EMPTY_ROOT,
    LedgerError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

VECTORS = Path(__file__).parents[3] / "shared/testdata/rfc6962"
needs_vectors = pytest.mark.skipif(
    not VECTORS.is_dir(),
    reason=f"RFC 6962 vectors not found at {VECTORS} (shared/ checkout absent)",
)

# transparency-dev/merkle testonly/constants.go, as in shared/testdata/rfc6962/roots.json
LEAF_INPUTS = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
LEAVES = [leaf_hash(data) for data in LEAF_INPUTS]


@pytest.mark.parametrize("size", range(9))
def test_roots_match_the_hard_coded_vectors(size: int) -> None:
    assert root(LEAVES[:size]).hex() == ROOTS[size]


def test_empty_tree_is_the_hash_of_nothing() -> None:
    assert root([]) == EMPTY_ROOT
    assert EMPTY_ROOT.hex() == ROOTS[0]


def test_hash_prefixes() -> None:
    import hashlib

    assert leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert (
        node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    )


@needs_vectors
def test_roots_json_matches_the_constants() -> None:
    data = json.loads((VECTORS / "roots.json").read_text())
    assert [bytes.fromhex(h) for h in data["leaf_inputs_hex"]] == LEAF_INPUTS
    assert data["root_hash_hex_by_tree_size"] == ROOTS


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value) if value else b""


def _vector_files(kind: str) -> list[Path]:
    return sorted((VECTORS / kind).rglob("*.json")) if VECTORS.is_dir() else []


@needs_vectors
def test_there_are_vectors_of_both_kinds() -> None:
    assert len(_vector_files("inclusion")) > 50
    assert len(_vector_files("consistency")) > 50


@needs_vectors
@pytest.mark.parametrize(
    "path", _vector_files("inclusion"), ids=lambda p: str(p.relative_to(VECTORS))
)
def test_inclusion_vectors(path: Path) -> None:
    v = json.loads(path.read_text())
    ok = verify_inclusion(
        _b64(v["leafHash"]),
        v["leafIdx"],
        v["treeSize"],
        [_b64(p) for p in v["proof"] or []],
        _b64(v["root"]),
    )
    assert ok is (not v["wantErr"]), v["desc"]


@needs_vectors
@pytest.mark.parametrize(
    "path", _vector_files("consistency"), ids=lambda p: str(p.relative_to(VECTORS))
)
def test_consistency_vectors(path: Path) -> None:
    v = json.loads(path.read_text())
    ok = verify_consistency(
        v["size1"],
        v["size2"],
        _b64(v["root1"]),
        _b64(v["root2"]),
        [_b64(p) for p in v["proof"] or []],
    )
    assert ok is (not v["wantErr"]), v["desc"]


@needs_vectors
@pytest.mark.parametrize(
    "path", [p for p in _vector_files("inclusion") if "happy-path" in p.name], ids=str
)
def test_we_generate_the_published_inclusion_proofs(path: Path) -> None:
    v = json.loads(path.read_text())
    size = v["treeSize"]
    if size > len(LEAVES):
        pytest.skip("vector over a tree we do not have the leaves of")
    assert [p.hex() for p in inclusion_proof(LEAVES[:size], v["leafIdx"])] == [
        _b64(p).hex() for p in v["proof"] or []
    ]


@needs_vectors
@pytest.mark.parametrize(
    "path", [p for p in _vector_files("consistency") if "happy-path" in p.name], ids=str
)
def test_we_generate_the_published_consistency_proofs(path: Path) -> None:
    v = json.loads(path.read_text())
    if v["size2"] > len(LEAVES):
        pytest.skip("vector over a tree we do not have the leaves of")
    assert [p.hex() for p in consistency_proof(LEAVES[: v["size2"]], v["size1"])] == [
        _b64(p).hex() for p in v["proof"] or []
    ]


def test_proof_requests_outside_the_tree_raise() -> None:
    with pytest.raises(LedgerError):
        inclusion_proof(LEAVES[:3], 3)
    with pytest.raises(LedgerError):
        inclusion_proof([], 0)
    with pytest.raises(LedgerError):
        consistency_proof(LEAVES[:3], 4)
    with pytest.raises(LedgerError):
        consistency_proof(LEAVES[:3], 0)


def _recursive_mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 §2.1 MTH, recursively, as written in the RFC."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(_recursive_mth(leaves[:k]), _recursive_mth(leaves[k:]))


trees = st.lists(st.binary(max_size=8), min_size=1, max_size=70).map(
    lambda xs: [leaf_hash(x) for x in xs]
)


@settings(max_examples=150, deadline=None)
@given(
    leaves=st.lists(st.binary(max_size=8), max_size=80).map(lambda xs: [leaf_hash(x) for x in xs])
)
def test_iterative_root_equals_the_rfc_recursion(leaves: list[bytes]) -> None:
    assert root(leaves) == _recursive_mth(leaves)


def _flip(proof: list[bytes], item: int, bit: int) -> list[bytes]:
    spoiled = list(proof)
    raw = bytearray(spoiled[item])
    raw[bit // 8] ^= 1 << (bit % 8)
    spoiled[item] = bytes(raw)
    return spoiled


@settings(max_examples=150, deadline=None)
@given(leaves=trees, data=st.data())
def test_every_inclusion_proof_verifies_and_a_flipped_bit_fails(
    leaves: list[bytes], data: st.DataObject
) -> None:
    size = len(leaves)
    tree_root = root(leaves)
    index = data.draw(st.integers(0, size - 1))
    proof = inclusion_proof(leaves, index)
    assert verify_inclusion(leaves[index], index, size, proof, tree_root)
    bit = data.draw(st.integers(0, 255))
    assert not verify_inclusion(_flip([leaves[index]], 0, bit)[0], index, size, proof, tree_root)
    assert not verify_inclusion(leaves[index], index, size, proof, _flip([tree_root], 0, bit)[0])
    if proof:
        item = data.draw(st.integers(0, len(proof) - 1))
        assert not verify_inclusion(leaves[index], index, size, _flip(proof, item, bit), tree_root)
    assert not verify_inclusion(leaves[index], index, size, [*proof, tree_root], tree_root)
    if size > 1:
        other = data.draw(st.integers(0, size - 1).filter(lambda i: i != index))
        assert (
            not verify_inclusion(leaves[index], other, size, proof, tree_root)
            or leaves[index] == leaves[other]
        )


@settings(max_examples=150, deadline=None)
@given(leaves=trees, data=st.data())
def test_every_consistency_proof_verifies_and_a_flipped_bit_fails(
    leaves: list[bytes], data: st.DataObject
) -> None:
    size = len(leaves)
    old = data.draw(st.integers(1, size))
    old_root, new_root = root(leaves[:old]), root(leaves)
    proof = consistency_proof(leaves, old)
    assert verify_consistency(old, size, old_root, new_root, proof)
    bit = data.draw(st.integers(0, 255))
    assert not verify_consistency(old, size, _flip([old_root], 0, bit)[0], new_root, proof)
    assert not verify_consistency(old, size, old_root, _flip([new_root], 0, bit)[0], proof)
    if proof:
        item = data.draw(st.integers(0, len(proof) - 1))
        assert not verify_consistency(old, size, old_root, new_root, _flip(proof, item, bit))
        assert not verify_consistency(old, size, old_root, new_root, proof[:-1])
