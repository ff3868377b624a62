"""Issue 5's acceptance: a bundle exported from a real poll verifies with `asamblea verify` and
with openssl; checkpoints are signed and consistent; co-signatures join the bundle."""

from __future__ import annotations

import base64
import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ballots import ledger, signing
from ballots.checkpoint import verify_checkpoint
from ballots.verify import verify_bundle
from governance.db import utcnow
from governance.polls import services as polls
from governance.results import checkpoints, keys
from governance.results.services import sealer
from tests.factories import browser_login, csrf, staff
from tests.factories_polls import ACTOR, assembly_in_session, ensure_key, open_poll


def closed_poll(database, settings, secret=False):
    ensure_key(settings)
    with database.transaction() as db:
        s = assembly_in_session(db, settings, [10, 25, 300, 0], absent=(3,))
        poll_id = open_poll(db, s.assembly_id, secret=secret)
        receipts = []
        for delegation, choice in zip(s.delegations[:3], ["yes", "no", "yes"], strict=True):
            receipts.append(polls.cast_ballot(db, poll_id, delegate_id=delegation.delegate_id,
                                              payload={"choice": choice}, now=utcnow()).receipt)
            checkpoints.write_checkpoint(db, settings, poll_id, utcnow())
        polls.close_poll(db, sealer(settings), poll_id, ACTOR, utcnow())
    return poll_id, receipts


def asamblea(*args, cwd, settings):
    env = {**os.environ, "ASAMBLEA_DATABASE_URL": settings.database_url,
           "ASAMBLEA_DATA_DIR": str(settings.data_dir), "LC_ALL": "C.UTF-8"}
    return subprocess.run([sys.executable, "-m", "governance.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_exported_bundle_verifies_with_asamblea_and_openssl(database, settings, tmp_path):
    poll_id, _ = closed_poll(database, settings)
    out = tmp_path / "bundle"
    exported = asamblea("export-audit", str(poll_id), "--out", str(out), cwd=tmp_path,
                        settings=settings)
    assert exported.returncode == 0, exported.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "ballots.jsonl", "result.json", "result.json.sig", "roll.jsonl", "signing-key.pem"]
    verified = asamblea("verify", str(out), cwd=tmp_path, settings=settings)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    check = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey",
                            "signing-key.pem", "-rawin", "-in", "result.json", "-sigfile",
                            "result.json.sig"], cwd=out, capture_output=True, text=True,
                           check=False)
    assert check.returncode == 0 and "Signature Verified Successfully" in check.stdout
    (out / "ballots.jsonl").write_bytes((out / "ballots.jsonl").read_bytes().replace(
        b'"yes"', b'"no"', 1))
    tampered = asamblea("verify", str(out), cwd=tmp_path, settings=settings)
    assert tampered.returncode == 1


def test_api_bundle_and_result_agree(client, database, settings):
    poll_id, receipts = closed_poll(database, settings)
    response = client.get(f"/api/v1/polls/{poll_id}/bundle.zip")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    got = client.get(f"/api/v1/polls/{poll_id}/result").json()
    assert archive.read("result.json").decode() == got["result_json"]
    assert base64.b64decode(got["signature"]) == archive.read("result.json.sig")
    assert got["result"]["tally"]["yes"] == {"weight": 310, "organizations": 2}
    assert got["result"]["roll"]["present_organizations"] == 3
    key = keys.public_key(settings)
    assert key is not None and got["result"]["signing_key"]["sha256"] == key.fingerprint


def test_checkpoints_are_signed_and_consistent(client, database, settings):
    poll_id, _ = closed_poll(database, settings)
    listed = client.get(f"/api/v1/polls/{poll_id}/checkpoints").json()["checkpoints"]
    assert [c["tree_size"] for c in listed] == [1, 2, 3]
    public = keys.public_key(settings)
    assert public is not None
    for previous, current in zip(listed, listed[1:], strict=False):
        head = verify_checkpoint(current["note"], signing.load_public_key(public.pem),
                                 settings.instance_name)
        assert head.tree_size == current["tree_size"]
        assert ledger.verify_consistency(
            previous["tree_size"], current["tree_size"], bytes.fromhex(previous["root"]),
            bytes.fromhex(current["root"]), [bytes.fromhex(h) for h in current["consistency_proof"]])


def test_receipt_page_shows_the_proof_or_says_it_is_missing(client, database, settings):
    poll_id, receipts = closed_poll(database, settings)
    found = client.get(f"/polls/{poll_id}/receipt", params={"receipt": receipts[1]})
    assert found.status_code == 200 and found.context["found"].leaf_index == 1
    missing = client.get(f"/polls/{poll_id}/receipt", params={"receipt": "ab" * 32})
    assert missing.status_code == 404 and missing.context["found"] is None
    bad = client.get(f"/api/v1/polls/{poll_id}/proof", params={"receipt": "xyz"})
    assert bad.status_code == 422


def test_cosignature_is_checked_and_joins_the_bundle(client, database, settings, tmp_path):
    poll_id, _ = closed_poll(database, settings)
    result_json = client.get(f"/api/v1/polls/{poll_id}/result").json()["result_json"].encode()
    own = signing.generate_private_key()
    pem = signing.public_key_pem(own.public_key()).decode()
    auditor = staff(client, "auditor")
    wrong = client.post(f"/api/v1/polls/{poll_id}/cosignatures", headers=auditor, json={
        "name": "ana", "public_key_pem": pem,
        "signature": base64.b64encode(signing.sign(own, b"other")).decode()})
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "bad_signature"
    good = client.post(f"/api/v1/polls/{poll_id}/cosignatures", headers=auditor, json={
        "name": "ana", "public_key_pem": pem,
        "signature": base64.b64encode(signing.sign(own, result_json)).decode()})
    assert good.status_code == 201
    bundle = tmp_path / "b.zip"
    bundle.write_bytes(client.get(f"/api/v1/polls/{poll_id}/bundle.zip").content)
    names = zipfile.ZipFile(bundle).namelist()
    assert "cosignatures/ana.pem" in names and "cosignatures/ana.sig" in names
    assert verify_bundle(bundle).ok


def test_cosign_command_signs_offline(database, settings, tmp_path):
    poll_id, _ = closed_poll(database, settings)
    out = tmp_path / "bundle"
    assert asamblea("export-audit", str(poll_id), "--out", str(out), cwd=tmp_path,
                    settings=settings).returncode == 0
    made = asamblea("cosign", "--generate-key", "mine.pem", cwd=tmp_path, settings=settings)
    assert made.returncode == 0 and (tmp_path / "mine.pem").stat().st_mode & 0o077 == 0
    signed = asamblea("cosign", str(out), "--key", "mine.pem", "--name", "ana", cwd=tmp_path,
                      settings=settings)
    assert signed.returncode == 0
    signature = next(line.split(": ", 1)[1] for line in signed.stdout.splitlines()
                     if line.startswith("signature: "))
    key = signing.load_private_key((tmp_path / "mine.pem").read_bytes(), None)
    assert signing.verify_signature(key.public_key(), base64.b64decode(signature),
                                    (out / "result.json").read_bytes())


def test_keys_commands(tmp_path, settings):
    first = asamblea("keys", "generate", cwd=tmp_path, settings=settings)
    assert first.returncode == 0 and "Fingerprint" in first.stdout
    again = asamblea("keys", "generate", cwd=tmp_path, settings=settings)
    assert again.returncode == 1 and "never overwritten" in again.stderr
    shown = asamblea("keys", "show", cwd=tmp_path, settings=settings)
    assert "BEGIN PUBLIC KEY" in shown.stdout
    key_file = Path(settings.data_dir) / "signing-key.pem"
    assert key_file.stat().st_mode & 0o077 == 0


def test_auditor_cosigns_from_the_audit_page(client, database, settings):
    poll_id, _ = closed_poll(database, settings)
    result_json = client.get(f"/api/v1/polls/{poll_id}/result").json()["result_json"].encode()
    own = signing.generate_private_key()
    browser_login(client, "auditor")
    page = client.get("/audit")
    assert page.status_code == 200 and f"/polls/{poll_id}/cosign" in page.text
    response = client.post(f"/polls/{poll_id}/cosign", follow_redirects=False, data={
        "csrf_token": csrf(client, "/audit"), "name": "teller-1",
        "public_key_pem": signing.public_key_pem(own.public_key()).decode(),
        "signature": base64.b64encode(signing.sign(own, result_json)).decode()})
    assert response.status_code == 303
    bundle = zipfile.ZipFile(io.BytesIO(client.get(f"/api/v1/polls/{poll_id}/bundle.zip").content))
    assert "cosignatures/teller-1.sig" in bundle.namelist()
