"""Drawing up an assembly's minutes, signing them, and adding the president's and the
secretary's co-signatures. Refused while a poll is open: the minutes state every result."""

from __future__ import annotations

import base64
import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ballots import signing
from ballots.minutes import MinutesPackage, build_statement, statement_bytes
from governance import errors
from governance.assemblies.assemblies import get_assembly, subject
from governance.audit import services as audit
from governance.minutes.document import render_html, render_pdf
from governance.minutes.models import Minutes, MinutesCosignature
from governance.minutes.record import gather
from governance.polls.services import open_polls, rfc3339
from governance.results import keys
from governance.settings import Settings

NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def draw_up(db: Session, settings: Settings, assembly_id: int, language: str, actor: str,
            now: datetime) -> Minutes:
    """Gather the record, render the PDF and the HTML, and sign the statement naming their
    SHA-256 with the assembly key. The language is the current one (i18n)."""
    assembly = get_assembly(db, assembly_id)
    if open_polls(db, assembly_id):
        raise errors.Conflict("A poll is open: draw up the minutes once every poll is closed.",
                              code="poll_open")
    key = keys.private_key(settings)
    fingerprint = signing.fingerprint(key.public_key())
    record = gather(db, settings, assembly_id, language, fingerprint)
    pdf, html = render_pdf(record), render_html(record)
    statement = build_statement(
        assembly={"id": assembly.id, "title": assembly.title}, language=language,
        generated_at=rfc3339(now),
        documents={"minutes.pdf": pdf, "minutes.html": html.encode("utf-8")},
        polls=[{"id": p.id, "title": p.title, "result_sha256": p.result_sha256,
                "bundle_sha256": p.bundle_sha256, "signing_key": p.fingerprint}
               for p in record.polls],
        signing_key_fingerprint=fingerprint)
    data = statement_bytes(statement)
    minutes = Minutes(
        assembly_id=assembly.id, language=language, statement=data.decode("utf-8"),
        signature=base64.b64encode(signing.sign(key, data)).decode(), pdf=pdf, html=html,
        pdf_sha256=str(statement["documents"]["minutes.pdf"]),  # type: ignore[index]
        created_at=now, created_by=actor)
    db.add(minutes)
    db.flush()
    audit.record(db, actor, "minutes.draw_up", subject(assembly.id),
                 {"minutes": minutes.id, "pdf_sha256": minutes.pdf_sha256,
                  "language": language}, now)
    return minutes


def latest(db: Session, assembly_id: int) -> Minutes:
    get_assembly(db, assembly_id)
    minutes = db.scalar(select(Minutes).where(Minutes.assembly_id == assembly_id)
                        .order_by(Minutes.id.desc()).limit(1))
    if minutes is None:
        raise errors.NotFound("The minutes of this assembly have not been drawn up yet.")
    return minutes


def cosignatures(db: Session, minutes_id: int) -> list[MinutesCosignature]:
    return list(db.scalars(select(MinutesCosignature).where(
        MinutesCosignature.minutes_id == minutes_id).order_by(MinutesCosignature.name)))


def add_cosignature(db: Session, assembly_id: int, name: str, public_key_pem: bytes,
                    signature: bytes, actor: str, now: datetime) -> MinutesCosignature:
    """A co-signature made offline (`asamblea cosign`), kept once it verifies."""
    if not NAME.match(name):
        raise errors.InvalidInput("A co-signer's name has 1 to 64 letters, digits, - or _.",
                                  field="name")
    minutes = latest(db, assembly_id)
    try:
        public = signing.load_public_key(public_key_pem)
    except signing.SigningKeyError:
        raise errors.InvalidInput("The public key is not an Ed25519 PEM key.",
                                  field="public_key_pem") from None
    if not signing.verify_signature(public, signature, minutes.statement.encode("utf-8")):
        raise errors.InvalidInput("The signature does not verify against these minutes.",
                                  field="signature", code="bad_signature")
    if any(c.name == name for c in cosignatures(db, minutes.id)):
        raise errors.Conflict("A co-signature named %(name)s exists already.", name=name)
    cosignature = MinutesCosignature(
        minutes_id=minutes.id, name=name, public_key_pem=signing.public_key_pem(public).decode(),
        fingerprint=signing.fingerprint(public), signature=base64.b64encode(signature).decode(),
        uploaded_by=actor, created_at=now)
    db.add(cosignature)
    db.flush()
    audit.record(db, actor, "minutes.cosign", subject(assembly_id),
                 {"minutes": minutes.id, "name": name, "fingerprint": cosignature.fingerprint},
                 now)
    return cosignature


def package(db: Session, settings: Settings, assembly_id: int) -> MinutesPackage:
    """The latest minutes as a package: statement, signature, key, documents, cosignatures."""
    minutes = latest(db, assembly_id)
    public = keys.public_key(settings)
    if public is None:
        raise errors.Conflict("There is no signing key yet. Run: asamblea keys generate",
                              code="no_signing_key")
    return MinutesPackage(
        statement_json=minutes.statement.encode("utf-8"),
        signature=base64.b64decode(minutes.signature), public_key_pem=public.pem,
        documents={"minutes.pdf": minutes.pdf, "minutes.html": minutes.html.encode("utf-8")},
        cosignatures={c.name: (c.public_key_pem.encode(), base64.b64decode(c.signature))
                      for c in cosignatures(db, minutes.id)})
