"""Writing and reading audit bundles: directories, deterministic ZIPs, unsafe input."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from ballots_testkit import build_poll, make_roll

import ballots.bundle as bundle_module
from ballots.bundle import BundleError, bundle_files, bundle_zip_bytes, read_bundle, write_bundle
from ballots.polls import PollSpec


@pytest.fixture(scope="module")
def files() -> dict:
    roll = make_roll([2, 1, 1])
    votes = [("v0", {"choice": "yes"}), ("v1", {"choice": "no"})]
    return build_poll(PollSpec("yes_no_abstain"), roll, votes, cosigners=2).files


def _same(bundle, files: dict) -> None:  # type: ignore[no-untyped-def]
    assert bundle.result_json == files["result_json"]
    assert bundle.signature == files["signature"]
    assert bundle.public_key_pem == files["public_key_pem"]
    assert bundle.roll_jsonl == files["roll_jsonl"]
    assert bundle.ballots_jsonl == files["ballots_jsonl"]
    assert dict(bundle.cosignatures) == files["cosignatures"]
    assert bundle.unpaired_cosignatures == ()


def test_directory_round_trip(tmp_path: Path, files: dict) -> None:
    dest = write_bundle(tmp_path / "bundle", **files)
    names = sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file())
    assert names == [
        "ballots.jsonl",
        "cosignatures/teller-0.pem",
        "cosignatures/teller-0.sig",
        "cosignatures/teller-1.pem",
        "cosignatures/teller-1.sig",
        "result.json",
        "result.json.sig",
        "roll.jsonl",
        "signing-key.pem",
    ]
    _same(read_bundle(dest), files)


def test_zip_round_trip_and_determinism(tmp_path: Path, files: dict) -> None:
    data = bundle_zip_bytes(**files)
    assert data == bundle_zip_bytes(**files)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == sorted(bundle_files(**files))
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    path = tmp_path / "bundle.zip"
    path.write_bytes(data)
    _same(read_bundle(path), files)


def test_zip_with_one_top_folder_is_accepted(tmp_path: Path, files: dict) -> None:
    path = tmp_path / "wrapped.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in bundle_files(**files).items():
            archive.writestr(f"poll-42/{name}", data)
    _same(read_bundle(path), files)


def test_write_refuses_a_non_empty_directory(tmp_path: Path, files: dict) -> None:
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(BundleError, match="not an empty directory"):
        write_bundle(tmp_path, **files)
    write_bundle(tmp_path / "new" / "nested", **files)  # parents are created


def test_bad_cosigner_names_are_refused(files: dict) -> None:
    for name in ["../evil", "a/b", ".hidden", ""]:
        with pytest.raises(BundleError, match="cosigner name"):
            bundle_files(**{**files, "cosignatures": {name: (b"pem", b"sig")}})


@pytest.mark.parametrize(
    "missing", ["result.json", "result.json.sig", "signing-key.pem", "roll.jsonl", "ballots.jsonl"]
)
def test_missing_files_are_named(tmp_path: Path, files: dict, missing: str) -> None:
    dest = write_bundle(tmp_path / "b", **files)
    (dest / missing).unlink()
    with pytest.raises(BundleError, match=f"missing {missing}"):
        read_bundle(dest)
    archive = {name: data for name, data in bundle_files(**files).items() if name != missing}
    path = tmp_path / "b.zip"
    with zipfile.ZipFile(path, "w") as z:
        for name, data in archive.items():
            z.writestr(name, data)
    with pytest.raises(BundleError, match=f"missing {missing}"):
        read_bundle(path)


def test_unpaired_cosignature_files_are_reported(tmp_path: Path, files: dict) -> None:
    dest = write_bundle(tmp_path / "b", **files)
    (dest / "cosignatures" / "teller-1.sig").unlink()
    (dest / "cosignatures" / "auditor.sig").write_bytes(b"x" * 64)
    bundle = read_bundle(dest)
    assert set(bundle.cosignatures) == {"teller-0"}
    assert bundle.unpaired_cosignatures == ("cosignatures/auditor.sig", "cosignatures/teller-1.pem")


@pytest.mark.parametrize(
    "name", ["../result.json", "/etc/passwd", "a/../../x", "..\\x", "C:/x", "a\\b"]
)
def test_zip_slip_names_are_refused(tmp_path: Path, files: dict, name: str) -> None:
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in bundle_files(**files).items():
            archive.writestr(member, data)
        archive.writestr(zipfile.ZipInfo(name), b"x")
    with pytest.raises(BundleError, match="unsafe path"):
        read_bundle(path)


def test_oversized_members_are_refused(
    tmp_path: Path, files: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "b.zip"
    path.write_bytes(bundle_zip_bytes(**files))
    dest = write_bundle(tmp_path / "dir", **files)
    monkeypatch.setattr(bundle_module, "MAX_MEMBER_BYTES", 100)
    with pytest.raises(BundleError, match="too large"):
        read_bundle(path)
    with pytest.raises(BundleError, match="too large"):
        read_bundle(dest)


def test_a_zip_bomb_is_not_read_past_the_limit(
    tmp_path: Path, files: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, data in bundle_files(**files).items():
            archive.writestr(member, data)
        archive.writestr("padding.bin", b"\x00" * 5_000_000)
    monkeypatch.setattr(bundle_module, "MAX_MEMBER_BYTES", 1_000_000)
    with pytest.raises(BundleError, match="too large"):
        read_bundle(path)


def test_duplicate_members_are_refused(tmp_path: Path, files: dict) -> None:
    path = tmp_path / "dup.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in bundle_files(**files).items():
            archive.writestr(member, data)
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("result.json", b"{}")
    with pytest.raises(BundleError, match="appears twice"):
        read_bundle(path)


def test_unreadable_paths(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="no such bundle"):
        read_bundle(tmp_path / "absent")
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(BundleError, match="not a readable ZIP"):
        read_bundle(junk)


def test_symlinks_in_a_directory_bundle_are_refused(tmp_path: Path, files: dict) -> None:
    dest = write_bundle(tmp_path / "b", **files)
    secret = tmp_path / "secret.txt"
    secret.write_text("not part of the bundle")
    (dest / "roll.jsonl").unlink()
    (dest / "roll.jsonl").symlink_to(secret)
    with pytest.raises(BundleError, match="not a regular file"):
        read_bundle(dest)
