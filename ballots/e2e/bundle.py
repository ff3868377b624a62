"""The secret poll's audit bundle (`asamblea.e2e-result/1`, docs/e2e-protocol.md §11.1):
its files, writing them as a directory or a deterministic ZIP, and reading them back with
the same limits and zip-slip protection as the plain bundle (`ballots.bundle`).
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ballots.bundle import (
    COSIGNATURES,
    COSIGNER_NAME,
    PUBLIC_KEY,
    RESULT,
    SIGNATURE,
    BundleError,
    cosignatures_of,
    read_files,
)

POLL = "poll.json"
CEREMONY = "ceremony.json"
ROLL = "roll.jsonl"
KEY_ROLL = "keyroll.jsonl"
BALLOTS = "ballots.jsonl"
DECRYPTION = "decryption.jsonl"
REQUIRED = (RESULT, SIGNATURE, PUBLIC_KEY, POLL, CEREMONY, ROLL, KEY_ROLL, BALLOTS, DECRYPTION)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_SNIFF_BYTES = 1 << 20  # result.json is read to tell the kind only when this small


@dataclass(frozen=True)
class SecretBundle:
    """The files of a secret poll's bundle, as bytes (file name → bytes for the required
    ones; cosignatures NAME → (pem, sig) as in the plain bundle)."""

    files: Mapping[str, bytes]
    cosignatures: Mapping[str, tuple[bytes, bytes]] = field(default_factory=dict)
    unpaired_cosignatures: tuple[str, ...] = ()


def is_secret_bundle(path: str | os.PathLike[str]) -> bool:
    """Whether `path` looks like a secret poll's bundle: it has poll.json, or its
    result.json says format asamblea.e2e-result/1 (so a bundle missing poll.json is
    reported as such, not checked as a plain one)."""
    source = Path(path)
    marker = b'"format":"asamblea.e2e-result/1"'
    if source.is_dir():
        result = source / RESULT
        small = result.is_file() and result.stat().st_size <= _SNIFF_BYTES
        return (source / POLL).is_file() or (small and marker in result.read_bytes())
    try:
        with zipfile.ZipFile(source) as archive:
            names = {name.rsplit("/", 1)[-1]: name for name in archive.namelist()}
            if POLL in names:
                return True
            info = archive.getinfo(names[RESULT]) if RESULT in names else None
            if info is None or info.file_size > _SNIFF_BYTES:
                return False
            return marker in archive.read(info)
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return False


def read_secret_bundle(path: str | os.PathLike[str]) -> SecretBundle:
    """Read a secret bundle from a directory or ZIP; `BundleError` when unreadable."""
    files = read_files(path, REQUIRED)
    cosignatures, unpaired = cosignatures_of(files)
    return SecretBundle({name: files[name] for name in REQUIRED}, cosignatures, unpaired)


def write_secret_bundle(
    dest_dir: str | os.PathLike[str],
    files: Mapping[str, bytes],
    cosignatures: Mapping[str, tuple[bytes, bytes]] | None = None,
) -> Path:
    """Write the bundle's files into an empty (or new) directory."""
    dest = Path(dest_dir)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BundleError(f"{dest} exists and is not an empty directory")
    dest.mkdir(parents=True, exist_ok=True)
    for name, data in _all_files(files, cosignatures).items():
        target = dest / name
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(data)
    return dest


def secret_bundle_zip(
    files: Mapping[str, bytes], cosignatures: Mapping[str, tuple[bytes, bytes]] | None = None
) -> bytes:
    """The bundle as a deterministic ZIP (sorted names, fixed dates and modes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in _all_files(files, cosignatures).items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def _all_files(
    files: Mapping[str, bytes], cosignatures: Mapping[str, tuple[bytes, bytes]] | None
) -> dict[str, bytes]:
    missing = [name for name in REQUIRED if name not in files]
    if missing:
        raise BundleError(f"missing {', '.join(missing)}")
    out = {name: files[name] for name in REQUIRED}
    for name, (pem, sig) in (cosignatures or {}).items():
        if not COSIGNER_NAME.fullmatch(name):
            raise BundleError(f"cosigner name {name!r} must match {COSIGNER_NAME.pattern}")
        out[f"{COSIGNATURES}/{name}.pem"] = pem
        out[f"{COSIGNATURES}/{name}.sig"] = sig
    return dict(sorted(out.items()))
