"""Proxy letters: uploaded evidence, checked by size and by what the bytes are (never by the
name or the type the browser claims), and kept under the data directory by their SHA-256."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from governance import errors

MAX_BYTES = 5 * 1024 * 1024
FOLDER = "proxy-letters"

# (magic bytes at the start, content type, file extension)
KINDS = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)


@dataclass(frozen=True)
class Letter:
    filename: str
    content_type: str
    extension: str
    sha256: str
    size: int


def _safe_filename(name: str, extension: str) -> str:
    stem = Path(name.replace("\\", "/")).name
    stem = re.sub(r"[^\w.\- ]+", "_", stem, flags=re.UNICODE).strip(" .") or "letter"
    return stem[:150] if stem.lower().endswith(extension) else stem[:150] + extension


def check(raw: bytes, filename: str) -> Letter:
    """The letter, if it is a PDF, PNG or JPEG of at most 5 MB; InvalidInput or PayloadTooLarge
    otherwise."""
    if len(raw) > MAX_BYTES:
        raise errors.PayloadTooLarge("The proxy letter is larger than %(mb)s MB.",
                                     mb=MAX_BYTES // (1024 * 1024))
    if not raw:
        raise errors.InvalidInput("The proxy letter is empty.", field="letter")
    for magic, content_type, extension in KINDS:
        if raw.startswith(magic):
            return Letter(_safe_filename(filename, extension), content_type, extension,
                          hashlib.sha256(raw).hexdigest(), len(raw))
    raise errors.InvalidInput("The proxy letter must be a PDF, PNG or JPEG file.",
                              field="letter", code="bad_file_type")


def path_of(data_dir: Path, sha256: str, extension: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise errors.NotFound("Not found.")
    return data_dir / FOLDER / f"{sha256}{extension}"


def extension_of(content_type: str) -> str:
    return next(ext for _m, kind, ext in KINDS if kind == content_type)


def store(data_dir: Path, letter: Letter, raw: bytes) -> Path:
    """Write the letter once (same bytes, same name), atomically."""
    target = path_of(data_dir, letter.sha256, letter.extension)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(raw)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
