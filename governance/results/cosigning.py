"""Co-signatures: a teller or auditor signs result.json offline with their own Ed25519 key
(`asamblea cosign`) and uploads the signature; it is checked before it is kept."""

from __future__ import annotations

import base64
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from ballots import signing
from governance import errors
from governance.db import utcnow
from governance.results import services
from governance.results.models import Cosignature

NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def add(db: Session, poll_id: int, name: str, public_key_pem: bytes, signature: bytes,
        uploaded_by: str) -> Cosignature:
    if not NAME.match(name):
        raise errors.InvalidInput("A co-signer's name has 1 to 64 letters, digits, - or _.",
                                  field="name")
    sealed = services.signed_result(db, poll_id)
    try:
        public = signing.load_public_key(public_key_pem)
    except signing.SigningKeyError:
        raise errors.InvalidInput("The public key is not an Ed25519 PEM key.",
                                  field="public_key_pem") from None
    if not signing.verify_signature(public, signature, sealed.result_bytes):
        raise errors.InvalidInput("The signature does not verify against this result.",
                                  field="signature", code="bad_signature")
    if db.scalar(select(Cosignature.id).where(Cosignature.poll_id == poll_id,
                                              Cosignature.name == name)) is not None:
        raise errors.Conflict("A co-signature named %(name)s exists already.", name=name)
    cosignature = Cosignature(
        poll_id=poll_id, name=name, public_key_pem=signing.public_key_pem(public).decode(),
        fingerprint=signing.fingerprint(public), signature=base64.b64encode(signature).decode(),
        uploaded_by=uploaded_by, created_at=utcnow())
    db.add(cosignature)
    db.flush()
    return cosignature
