"""PDF attachments (minutes, annexes, letters): checked by their first bytes and size, never by
the name or type the browser claims, and stored under the data directory by their SHA-256 so
that the same file is kept once and a stored file can be checked against its record."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance import errors
from governance.audit.services import record
from governance.db import utcnow
from governance.motions.models import MotionAttachment
from governance.settings import Settings

MAX_BYTES = 10_000_000
PDF_MAGIC = b"%PDF-"
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def storage_dir(settings: Settings) -> Path:
    return Path(settings.data_dir) / "attachments"


def stored_path(settings: Settings, sha256: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise errors.NotFound("Not found.")
    return storage_dir(settings) / f"{sha256}.pdf"


def safe_filename(name: str) -> str:
    """A name fit for a download header: no path, no control or odd characters, ends in .pdf."""
    base = Path(name.replace("\\", "/")).name
    ascii_name = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    cleaned = _UNSAFE.sub("_", ascii_name).strip(" ._") or "document"
    stem = cleaned[:-4] if cleaned.lower().endswith(".pdf") else cleaned
    return stem[:120].rstrip(" ._") + ".pdf"


def check_pdf(content: bytes) -> None:
    if len(content) > MAX_BYTES:
        raise errors.PayloadTooLarge("An attachment has at most %(limit)s bytes.",
                                     limit=MAX_BYTES)
    if not content.startswith(PDF_MAGIC):
        raise errors.InvalidInput("Only PDF files can be attached; this file is not a PDF.",
                                  field="file")


def store(settings: Settings, content: bytes) -> str:
    """Write `content` (once) and return its SHA-256."""
    digest = hashlib.sha256(content).hexdigest()
    target = stored_path(settings, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(f".{os.getpid()}.part")
        temporary.write_bytes(content)
        os.replace(temporary, target)  # atomic: a reader never sees half a file
    return digest


def add_attachment(db: Session, settings: Settings, motion_id: int, filename: str,
                   content: bytes, actor: str) -> MotionAttachment:
    from governance.motions.services import get_motion

    motion = get_motion(db, motion_id)
    check_pdf(content)
    digest = store(settings, content)
    if db.scalar(select(MotionAttachment.id).where(MotionAttachment.motion_id == motion.id,
                                                   MotionAttachment.sha256 == digest)):
        raise errors.Conflict("This file is already attached.")
    attachment = MotionAttachment(filename=safe_filename(filename), sha256=digest,
                                  size=len(content), uploaded_at=utcnow().replace(microsecond=0),
                                  uploaded_by=actor)
    motion.attachments.append(attachment)
    db.flush()
    record(db, actor, "motion.attach", f"motion:{motion.id}",
           {"code": motion.code, "filename": attachment.filename, "sha256": digest})
    return attachment


def remove_attachment(db: Session, motion_id: int, attachment_id: int, actor: str) -> None:
    """Detach the file. The stored bytes stay: another motion or an export may name them."""
    from governance.motions.services import get_motion

    attachment = get_attachment(db, motion_id, attachment_id)
    # Held in a name: a motion only reached through the expression could be garbage-collected
    # while its collection fires the remove event (ObjectDereferencedError, a 500; found by the
    # form fuzzing of tests/web/test_security_forms_fuzz.py).
    motion = get_motion(db, motion_id)
    motion.attachments.remove(attachment)  # delete-orphan deletes the row
    db.flush()
    record(db, actor, "motion.detach", f"motion:{motion_id}",
           {"filename": attachment.filename, "sha256": attachment.sha256})


def get_attachment(db: Session, motion_id: int, attachment_id: int) -> MotionAttachment:
    attachment = db.get(MotionAttachment, attachment_id)
    if attachment is None or attachment.motion_id != motion_id:
        raise errors.NotFound("There is no such attachment.")
    return attachment
