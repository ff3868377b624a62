"""Results for auditors and delegates: signed result, audit bundle, inclusion proofs,
checkpoints and co-signatures (API), plus the auditors' page and the receipt check page."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from governance import errors, i18n
from governance.auth.current import authenticate, require
from governance.polls import services as polls
from governance.results import checkpoints, cosigning, keys, services
from governance.web.api import ID, Operations, Param, ok, path_int, read_json
from governance.web.forms import read_form, text
from governance.web.templating import render
from governance.web.transaction import in_db

api = Operations(tag="results")

POLL_ID = Param("poll_id", "path", ID)
HEX64 = re.compile(r"^[0-9a-f]{64}$")

RESULT: dict[str, Any] = {
    "type": "object", "required": ["result", "signature"],
    "properties": {"result": {"type": "object", "description": "the object of result.json"},
                   "signature": {"type": "string", "description": "base64 Ed25519 signature "
                                 "of the canonical bytes of result"},
                   "result_json": {"type": "string",
                                   "description": "the exact signed bytes, as text"}},
}
PROOF: dict[str, Any] = {
    "type": "object", "required": ["leaf_index", "tree_size", "proof"],
    "properties": {"leaf_index": {"type": "integer"}, "tree_size": {"type": "integer"},
                   "proof": {"type": "array", "items": {"type": "string"}},
                   "root": {"type": "string"}, "ballot_line": {"type": "string"}},
}
CHECKPOINTS: dict[str, Any] = {
    "type": "object", "required": ["checkpoints"],
    "properties": {"checkpoints": {"type": "array", "items": {
        "type": "object", "properties": {
            "tree_size": {"type": "integer"}, "root": {"type": "string"},
            "note": {"type": "string"}, "created_at": {"type": "string"},
            "consistency_from": {"type": ["integer", "null"]},
            "consistency_proof": {"type": "array", "items": {"type": "string"}}}}}},
}
COSIGN: dict[str, Any] = {
    "type": "object", "required": ["name", "public_key_pem", "signature"],
    "additionalProperties": False,
    "properties": {"name": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
                   "public_key_pem": {"type": "string", "maxLength": 2000},
                   "signature": {"type": "string", "pattern": "^[A-Za-z0-9+/]{86}==$",
                                 "description": "base64 of the raw 64-byte Ed25519 signature"}},
}


@api.op("GET", "/polls/{poll_id:int}/result", "getResult",
        summary="The signed result of a closed poll", response=RESULT, errors=[404, 409],
        params=[POLL_ID])
async def get_result(request: Request) -> Response:
    poll_id = path_int(request, "poll_id")
    sealed = await in_db(request, lambda db: services.signed_result(db, poll_id))
    return ok({"result": sealed.result, "result_json": sealed.result_bytes.decode(),
               "signature": base64.b64encode(sealed.signature).decode()})


@api.op("GET", "/polls/{poll_id:int}/bundle.zip", "exportAuditBundle",
        summary="The audit bundle (asamblea.result/1) of a closed poll, as a ZIP",
        response={"type": "string", "format": "binary"}, response_type="application/zip",
        errors=[404, 409], params=[POLL_ID])
async def bundle(request: Request) -> Response:
    poll_id = path_int(request, "poll_id")
    settings = request.app.state.settings
    data = await in_db(request, lambda db: services.bundle_zip(db, settings, poll_id))
    return Response(data, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="asamblea-poll-{poll_id}-bundle.zip"'})


@api.op("GET", "/polls/{poll_id:int}/proof", "getInclusionProof",
        summary="Proof that a receipt is in the closed poll's ledger", response=PROOF,
        errors=[404, 409, 422], params=[POLL_ID, Param("receipt", required=True, schema={
            "type": "string", "pattern": "^ *[0-9a-fA-F]{64} *$",
            "description": "the 64 hexadecimal characters of the ballot's receipt"})])
async def proof(request: Request) -> Response:
    poll_id = path_int(request, "poll_id")
    receipt = (request.query_params.get("receipt") or "").strip().lower()
    if not HEX64.match(receipt):
        raise errors.InvalidInput("A receipt is 64 hexadecimal characters.", field="receipt")
    found = await in_db(request, lambda db: services.inclusion_proof(db, poll_id, receipt))
    return ok(found.__dict__)


@api.op("GET", "/polls/{poll_id:int}/checkpoints", "listCheckpoints",
        summary="Signed checkpoints of the poll's ledger, each with a consistency proof from "
                "the one before", response=CHECKPOINTS, errors=[404], params=[POLL_ID])
async def list_checkpoints(request: Request) -> Response:
    poll_id = path_int(request, "poll_id")

    def load(db: Any) -> list[dict[str, Any]]:
        polls.get_poll(db, poll_id)
        return [{**c.__dict__, "created_at": c.created_at.isoformat()}
                for c in checkpoints.published(db, poll_id)]

    return ok({"checkpoints": await in_db(request, load)})


@api.op("POST", "/polls/{poll_id:int}/cosignatures", "addCosignature",
        summary="Upload a teller's or auditor's own signature of result.json",
        roles=["auditor", "committee"], request=COSIGN,
        response={"type": "object", "properties": {"name": {"type": "string"},
                                                    "fingerprint": {"type": "string"}}},
        status=201, errors=[404, 409], params=[POLL_ID])
async def add_cosignature(request: Request) -> Response:
    principal = await require(request, "auditor", "committee")
    poll_id = path_int(request, "poll_id")
    body = await read_json(request, COSIGN)
    try:
        signature = base64.b64decode(body["signature"], validate=True)
    except (binascii.Error, ValueError):
        raise errors.InvalidInput("The signature is not base64.", field="signature") from None
    saved = await in_db(request, lambda db: cosigning.add(
        db, poll_id, body["name"], body["public_key_pem"].encode(), signature, principal.name),
        write=True)
    return ok({"name": saved.name, "fingerprint": saved.fingerprint}, status=201)


# --- pages ----------------------------------------------------------------------------------


async def audit_page(request: Request) -> Response:
    """For auditors: every closed poll with its bundle, fingerprint and checkpoints."""
    await require(request, "auditor", "board", "committee")
    settings = request.app.state.settings

    def load(db: Any) -> dict[str, Any]:
        closed = services.closed_polls(db)
        return {"polls": closed,
                "checkpoints": {p.id: checkpoints.published(db, p.id)[-3:] for p in closed}}

    data = await in_db(request, load)
    public = keys.public_key(settings)
    return render(request, "results/audit.html", {**data, "key": public})


async def receipt_page(request: Request) -> Response:
    """Anyone pastes a receipt and sees whether it is in the poll's closed ledger."""
    await authenticate(request)
    poll_id = path_int(request, "poll_id")
    receipt = (request.query_params.get("receipt") or "").strip().lower()
    found, error = None, None
    poll = await in_db(request, lambda db: polls.get_poll(db, poll_id))
    if receipt:
        if not HEX64.match(receipt):
            error = errors.InvalidInput("A receipt is 64 hexadecimal characters.")
        else:
            try:
                found = await in_db(request, lambda db: services.inclusion_proof(
                    db, poll_id, receipt))
            except (errors.NotFound, errors.Conflict) as exc:
                error = exc
    message = i18n.gettext(error.message, **error.params) if error else None
    status = 404 if isinstance(error, errors.NotFound) else 200
    return render(request, "results/receipt.html",
                  {"poll": poll, "receipt": receipt, "found": found, "error": message},
                  status_code=status)


async def signing_key_pem(request: Request) -> Response:
    public = keys.public_key(request.app.state.settings)
    if public is None:
        raise errors.NotFound("There is no signing key yet.")
    return PlainTextResponse(public.pem.decode(), media_type="application/x-pem-file")


async def cosign_form(request: Request) -> Response:
    principal = await require(request, "auditor", "committee")
    poll_id = path_int(request, "poll_id")
    form = await read_form(request)
    try:
        signature = base64.b64decode(text(form, "signature"), validate=True)
    except (binascii.Error, ValueError):
        raise errors.InvalidInput("The signature is not base64.", field="signature") from None
    await in_db(request, lambda db: cosigning.add(
        db, poll_id, text(form, "name"), text(form, "public_key_pem").encode(), signature,
        principal.name), write=True)
    return RedirectResponse(request.url_for("audit_page"), status_code=303)


routes = [
    Route("/audit", audit_page, methods=["GET"], name="audit_page"),
    Route("/polls/{poll_id:int}/receipt", receipt_page, methods=["GET"], name="receipt_page"),
    Route("/polls/{poll_id:int}/cosign", cosign_form, methods=["POST"], name="cosign_form"),
    Route("/signing-key.pem", signing_key_pem, methods=["GET"], name="signing_key_pem"),
]

