"""The minutes' API operations: drawing them up, reading and downloading them (public, as the
archive publishes them), and uploading the president's and secretary's co-signatures."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from sqlalchemy.orm import Session
from starlette.responses import Response

from ballots.minutes import package_zip_bytes
from governance import errors, i18n
from governance.auth import roles
from governance.auth.roles import Principal, actor
from governance.db import utcnow
from governance.minutes import services
from governance.minutes.models import Minutes
from governance.settings import Settings
from governance.web.api import ID, Operations, Param

api = Operations(tag="minutes")

BOARD = roles.BOARD
ASSEMBLY_ID = Param("assembly_id", "path", ID)

DRAW_UP: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {"language": {"type": "string", "enum": list(i18n.LANGUAGES),
                                "description": "the language of the minutes (Spanish by "
                                               "default)"}},
}
MINUTES: dict[str, Any] = {
    "type": "object", "required": ["id", "assembly_id", "statement", "signature"],
    "properties": {
        "id": {"type": "integer"}, "assembly_id": {"type": "integer"},
        "language": {"type": "string"}, "pdf_sha256": {"type": "string"},
        "statement": {"type": "object", "description": "minutes.json (docs/minutes.md)"},
        "signature": {"type": "string", "description": "base64 Ed25519 signature of "
                                                       "minutes.json by the assembly key"},
        "created_at": {"type": "string"},
        "cosignatures": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "fingerprint": {"type": "string"}}}},
    },
}
COSIGNATURE: dict[str, Any] = {
    "type": "object", "required": ["name", "public_key_pem", "signature"],
    "additionalProperties": False,
    "properties": {"name": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
                   "public_key_pem": {"type": "string", "maxLength": 2000},
                   "signature": {"type": "string", "maxLength": 200,
                                 "description": "base64, as `asamblea cosign` prints it"}},
}


def minutes_dict(db: Session, minutes: Minutes) -> dict[str, Any]:
    return {"id": minutes.id, "assembly_id": minutes.assembly_id, "language": minutes.language,
            "pdf_sha256": minutes.pdf_sha256,
            "statement": json.loads(minutes.statement), "signature": minutes.signature,
            "created_at": minutes.created_at.isoformat(),
            "cosignatures": [{"name": c.name, "fingerprint": c.fingerprint}
                             for c in services.cosignatures(db, minutes.id)]}


@api.op("POST", "/assemblies/{assembly_id:int}/minutes", "drawUpMinutes",
        summary="Draw up the minutes (PDF and HTML) and sign them with the assembly key; "
                "refused while a poll is open", roles=BOARD, request=DRAW_UP, response=MINUTES,
        status=201, errors=[404, 409], params=[ASSEMBLY_ID])
def draw_up(db: Session, who: Principal, body: dict[str, Any], settings: Settings,
            assembly_id: int) -> dict[str, Any]:
    language = body.get("language", "es")
    i18n.set_language(language)
    return minutes_dict(db, services.draw_up(db, settings, assembly_id, language, actor(who),
                                             utcnow()))


@api.op("GET", "/assemblies/{assembly_id:int}/minutes", "getMinutes",
        summary="The latest signed minutes of an assembly: the statement, its signature, the "
                "co-signatures (public: the archive publishes them)", roles=roles.PUBLIC,
        response=MINUTES, errors=[404], params=[ASSEMBLY_ID])
def get(db: Session, assembly_id: int) -> dict[str, Any]:
    return minutes_dict(db, services.latest(db, assembly_id))


@api.op("GET", "/assemblies/{assembly_id:int}/minutes.zip", "downloadMinutes",
        summary="The signed minutes as a package (minutes.json, its signature, the key, the PDF "
                "and HTML, the co-signatures) that `asamblea verify` checks offline",
        roles=roles.PUBLIC, response_type="application/zip", errors=[404, 409],
        params=[ASSEMBLY_ID])
def download(db: Session, settings: Settings, assembly_id: int) -> Response:
    data = package_zip_bytes(services.package(db, settings, assembly_id))
    return Response(data, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="minutes-{assembly_id}.zip"'})


@api.op("POST", "/assemblies/{assembly_id:int}/minutes/cosignatures", "addMinutesCosignature",
        summary="Upload a co-signature of minutes.json made offline with `asamblea cosign` "
                "(the president, the secretary); kept only if it verifies", roles=BOARD,
        request=COSIGNATURE, response=MINUTES, status=201, errors=[404, 409],
        params=[ASSEMBLY_ID])
def cosign(db: Session, who: Principal, body: dict[str, Any],
           assembly_id: int) -> dict[str, Any]:
    try:
        signature = base64.b64decode(body["signature"], validate=True)
    except (binascii.Error, ValueError):
        raise errors.InvalidInput("The signature is not base64.", field="signature") from None
    services.add_cosignature(db, assembly_id, body["name"], body["public_key_pem"].encode(),
                             signature, actor(who), utcnow())
    return minutes_dict(db, services.latest(db, assembly_id))
