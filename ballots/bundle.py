"""The audit bundle (API.md §3): writing it as a directory or ZIP, and reading it back safely.

Files: result.json, result.json.sig, signing-key.pem, roll.jsonl, ballots.jsonl, and
optionally cosignatures/NAME.pem + cosignatures/NAME.sig. ZIPs are deterministic (sorted
names, fixed timestamps and permissions), so the same poll always gives the same bytes.
Reading never extracts: members are read into memory, with size limits, and unsafe
member names (absolute, "..", backslashes) are refused.
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

RESULT = "result.json"
SIGNATURE = "result.json.sig"
PUBLIC_KEY = "signing-key.pem"
ROLL = "roll.jsonl"
BALLOTS = "ballots.jsonl"
COSIGNATURES = "cosignatures"
REQUIRED = (RESULT, SIGNATURE, PUBLIC_KEY, ROLL, BALLOTS)

MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_MEMBERS = 10_000
COSIGNER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a ZIP can store: fixed for determinism


class BundleError(ValueError):
    """A path that is not a readable audit bundle, or bundle contents that cannot be written."""


@dataclass(frozen=True)
class Bundle:
    """The files of an audit bundle, as bytes.

    cosignatures: NAME → (public key PEM, raw signature of result.json).
    unpaired_cosignatures: cosignature files found without their .pem or .sig partner.
    """

    result_json: bytes
    signature: bytes
    public_key_pem: bytes
    roll_jsonl: bytes
    ballots_jsonl: bytes
    cosignatures: Mapping[str, tuple[bytes, bytes]] = field(default_factory=dict)
    unpaired_cosignatures: tuple[str, ...] = ()


def bundle_files(
    *,
    result_json: bytes,
    signature: bytes,
    public_key_pem: bytes,
    roll_jsonl: bytes,
    ballots_jsonl: bytes,
    cosignatures: Mapping[str, tuple[bytes, bytes]] | None = None,
) -> dict[str, bytes]:
    """Relative POSIX path → bytes for every file of the bundle, sorted by path."""
    files = {
        RESULT: result_json,
        SIGNATURE: signature,
        PUBLIC_KEY: public_key_pem,
        ROLL: roll_jsonl,
        BALLOTS: ballots_jsonl,
    }
    for name, (pem, sig) in (cosignatures or {}).items():
        if not COSIGNER_NAME.fullmatch(name):
            raise BundleError(f"cosigner name {name!r} must match {COSIGNER_NAME.pattern}")
        files[f"{COSIGNATURES}/{name}.pem"] = pem
        files[f"{COSIGNATURES}/{name}.sig"] = sig
    return dict(sorted(files.items()))


def write_bundle(
    dest_dir: str | os.PathLike[str],
    *,
    result_json: bytes,
    signature: bytes,
    public_key_pem: bytes,
    roll_jsonl: bytes,
    ballots_jsonl: bytes,
    cosignatures: Mapping[str, tuple[bytes, bytes]] | None = None,
) -> Path:
    """Write the bundle's files into `dest_dir` (created if needed; it must be empty, so an
    old export's stray cosignature can never end up in a new bundle). Returns the path."""
    files = bundle_files(
        result_json=result_json,
        signature=signature,
        public_key_pem=public_key_pem,
        roll_jsonl=roll_jsonl,
        ballots_jsonl=ballots_jsonl,
        cosignatures=cosignatures,
    )
    dest = Path(dest_dir)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BundleError(f"{dest} exists and is not an empty directory")
    dest.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        target = dest / name
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(data)
    return dest


def bundle_zip_bytes(
    *,
    result_json: bytes,
    signature: bytes,
    public_key_pem: bytes,
    roll_jsonl: bytes,
    ballots_jsonl: bytes,
    cosignatures: Mapping[str, tuple[bytes, bytes]] | None = None,
) -> bytes:
    """The bundle as a deterministic ZIP: files at the top level in sorted order, each dated
    1980-01-01 00:00, mode 0644, deflated."""
    files = bundle_files(
        result_json=result_json,
        signature=signature,
        public_key_pem=public_key_pem,
        roll_jsonl=roll_jsonl,
        ballots_jsonl=ballots_jsonl,
        cosignatures=cosignatures,
    )
    return deterministic_zip(files)


def deterministic_zip(files: Mapping[str, bytes]) -> bytes:
    """A ZIP of `files` (name → bytes) in the given order, each dated 1980-01-01 00:00, mode
    0644, deflated: the same files always give the same bytes (and the same SHA-256)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the host, so attributes are stable
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def _safe_name(name: str) -> str:
    """A member name as a relative POSIX path, or BundleError (zip-slip protection)."""
    if "\\" in name or "\x00" in name or name.startswith("/") or re.match(r"[A-Za-z]:", name):
        raise BundleError(f"unsafe path in bundle: {name!r}")
    parts = PurePosixPath(name).parts
    if any(part in ("..", ".") for part in parts) or not parts:
        raise BundleError(f"unsafe path in bundle: {name!r}")
    return "/".join(parts)


def _read_zip(path: Path) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BundleError(f"{path}: not a readable ZIP ({exc})") from None
    files: dict[str, bytes] = {}
    total = 0
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise BundleError(f"{path}: too many members ({len(infos)})")
        for info in infos:
            name = _safe_name(info.filename)
            if info.is_dir():
                continue
            if name in files:
                raise BundleError(f"{path}: member {name!r} appears twice")
            if info.flag_bits & 0x1:
                raise BundleError(f"{path}: member {name!r} is encrypted")
            if info.file_size > MAX_MEMBER_BYTES:
                raise BundleError(f"{path}: member {name!r} is too large ({info.file_size} bytes)")
            try:
                with archive.open(info) as member:
                    data = member.read(MAX_MEMBER_BYTES + 1)  # never trust the header alone
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
                raise BundleError(f"{path}: cannot read member {name!r} ({exc})") from None
            if len(data) > MAX_MEMBER_BYTES:
                raise BundleError(f"{path}: member {name!r} is too large")
            total += len(data)
            if total > MAX_TOTAL_BYTES:
                raise BundleError(f"{path}: bundle is larger than {MAX_TOTAL_BYTES} bytes")
            files[name] = data
    return _strip_top_folder(files)


def _strip_top_folder(files: dict[str, bytes]) -> dict[str, bytes]:
    """Accept a ZIP whose files all sit in one folder (as `zip -r bundle.zip dir/` makes)."""
    if RESULT in files:
        return files
    tops = {name.split("/", 1)[0] for name in files}
    if len(tops) == 1 and all("/" in name for name in files):
        return {name.split("/", 1)[1]: data for name, data in files.items()}
    return files


def _read_file(path: Path, name: str) -> bytes:
    try:
        info = path.lstat()
    except OSError as exc:
        raise BundleError(f"cannot read {name}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise BundleError(f"{name} is not a regular file")
    if info.st_size > MAX_MEMBER_BYTES:
        raise BundleError(f"{name} is too large ({info.st_size} bytes)")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise BundleError(f"cannot read {name}: {exc.strerror}") from None


def _read_dir(path: Path, names: tuple[str, ...]) -> dict[str, bytes]:
    files = {name: _read_file(path / name, name) for name in names if (path / name).exists()}
    cosig_dir = path / COSIGNATURES
    if cosig_dir.is_dir():
        for entry in sorted(cosig_dir.iterdir()):
            if entry.suffix in (".pem", ".sig"):
                name = f"{COSIGNATURES}/{entry.name}"
                files[name] = _read_file(entry, name)
    return files


def read_files(path: str | os.PathLike[str], names: tuple[str, ...]) -> dict[str, bytes]:
    """The files of a bundle at `path`: from a directory, `names` and the cosignature
    files; from a ZIP, every member (read into memory, never extracted). Raises
    `BundleError` when a required name is missing or the path is unreadable/unsafe."""
    source = Path(path)
    if source.is_dir():
        files = _read_dir(source, names)
    elif source.is_file():
        files = _read_zip(source)
    else:
        raise BundleError(f"{source}: no such bundle (not a directory or a file)")
    missing = [name for name in names if name not in files]
    if missing:
        raise BundleError(f"{source}: missing {', '.join(missing)}")
    return files


def cosignatures_of(
    files: Mapping[str, bytes],
) -> tuple[dict[str, tuple[bytes, bytes]], tuple[str, ...]]:
    """The cosignature pairs (NAME → (pem, sig)) among `files`, and the unpaired files."""
    pems: dict[str, bytes] = {}
    sigs: dict[str, bytes] = {}
    for name, data in files.items():
        folder, _, filename = name.rpartition("/")
        if folder != COSIGNATURES:
            continue
        stem, _, suffix = filename.rpartition(".")
        if suffix == "pem":
            pems[stem] = data
        elif suffix == "sig":
            sigs[stem] = data
    paired = sorted(set(pems) & set(sigs))
    unpaired = sorted(
        [f"{COSIGNATURES}/{stem}.pem" for stem in set(pems) - set(sigs)]
        + [f"{COSIGNATURES}/{stem}.sig" for stem in set(sigs) - set(pems)]
    )
    return {stem: (pems[stem], sigs[stem]) for stem in paired}, tuple(unpaired)


def read_bundle(path: str | os.PathLike[str]) -> Bundle:
    """Read an audit bundle from a directory or a ZIP file (API.md §3).

    Raises `BundleError` with a one-line reason when the path is missing or unreadable, a
    required file is absent, a member name is unsafe, or a member is too large.
    Unknown extra files are ignored; cosignature files are paired by NAME.
    """
    files = read_files(path, REQUIRED)
    cosignatures, unpaired = cosignatures_of(files)
    return Bundle(
        result_json=files[RESULT],
        signature=files[SIGNATURE],
        public_key_pem=files[PUBLIC_KEY],
        roll_jsonl=files[ROLL],
        ballots_jsonl=files[BALLOTS],
        cosignatures=cosignatures,
        unpaired_cosignatures=unpaired,
    )
