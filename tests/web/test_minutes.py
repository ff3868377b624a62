"""Signed minutes: refused while a poll is open; drawn up as PDF and HTML with every section,
each result's fingerprint and bundle hash; signed; co-signed by two officers offline; checked
by `asamblea verify`; published in the archive; any tampering caught."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile

from pypdf import PdfReader

from ballots import signing
from ballots.minutes import read_minutes, verify_minutes
from ballots.verify_cli import main as verify_main
from governance import cli
from governance.db import utcnow
from governance.floor import agenda, speakers
from governance.polls import services as polls
from tests.factories import staff
from tests.factories_polls import ACTOR, assembly_in_session, ensure_key, open_poll

SECTIONS_ES = ["Acta de la", "1. Asistencia", "2. Quórum en la apertura",
               "3. El orden del día tal como se desarrolló", "4. Los puntos y sus oradores",
               "5. Votaciones y elecciones", "6. Firmas"]


def _day(app, settings):
    ensure_key(settings)
    now = utcnow()
    with app.state.database.transaction() as db:
        session = assembly_in_session(db, settings, [120, 80, 40])
        item = agenda.add_item(db, session.assembly_id, {"title": "Informe de Núñez"}, ACTOR,
                               now)
        agenda.start_item(db, item.id, ACTOR, now)
        speakers.request_floor(db, item.id, session.delegations[1].delegate_id, "speech",
                               ACTOR, now)
        speakers.call_next(db, item.id, ACTOR, now)
        poll_id = open_poll(db, session.assembly_id, title="¿Aprobamos el informe?")
        for delegation in session.delegations:
            polls.cast_ballot(db, poll_id, delegate_id=delegation.delegate_id,
                              payload={"choice": "yes"}, now=now)
    return session, poll_id


def _save(tmp_path, content, name="minutes.zip"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _read_back(client, board, package, poll_id, statement):
    """Step 3: the PDF and the HTML, read back: every section, and each result's fingerprint
    and bundle hash."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        pdf = archive.read("minutes.pdf")
        html = archive.read("minutes.html").decode()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for section in SECTIONS_ES:
        assert section in text, section
        assert section in html, section
    assert "Informe de Núñez" in text and "Delegada 1" in text
    assert "Presentes: 240 de 240 de peso, 3 de 3 organizaciones" in text  # at the opening
    bundle = client.get(f"/api/v1/polls/{poll_id}/bundle.zip", headers=board).content
    result = client.get(f"/api/v1/polls/{poll_id}/result", headers=board).json()
    fingerprint = result["result"]["signing_key"]["sha256"]
    for digest in (fingerprint, hashlib.sha256(bundle).hexdigest()):
        assert digest in text and digest in html
    assert statement["polls"][0]["bundle_sha256"] == hashlib.sha256(bundle).hexdigest()
    assert statement["documents"]["minutes.pdf"] == hashlib.sha256(pdf).hexdigest()
    return pdf


def _cosign(client, board, url, data):
    """Step 4: the president and the secretary co-sign offline; a forged one is refused."""
    for name in ("presidenta", "secretario"):
        key = signing.generate_private_key()
        added = client.post(f"{url}/cosignatures", headers=board, json={
            "name": name, "public_key_pem": signing.public_key_pem(key.public_key()).decode(),
            "signature": base64.b64encode(signing.sign(key, data)).decode()})
        assert added.status_code == 201, added.text
    stranger = signing.generate_private_key()
    forged = client.post(f"{url}/cosignatures", headers=board, json={
        "name": "intrusa", "public_key_pem": signing.public_key_pem(
            stranger.public_key()).decode(),
        "signature": base64.b64encode(signing.sign(stranger, b"otra cosa")).decode()})
    assert forged.status_code == 422 and forged.json()["error"]["code"] == "bad_signature"


def _tampered(signed, tmp_path):
    with zipfile.ZipFile(signed) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["minutes.pdf"] += b"\n% una enmienda"  # a PDF still, but not the one signed
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return tampered


def test_minutes_drawn_up_signed_cosigned_and_verified(app, client, settings, tmp_path,
                                                       capsys, monkeypatch):
    session, poll_id = _day(app, settings)
    board = staff(client, "board")
    url = f"/api/v1/assemblies/{session.assembly_id}/minutes"
    # 1. not while a poll is open: neither through the API nor on the command line
    refused = client.post(url, headers=board, json={})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "poll_open"
    monkeypatch.setenv("ASAMBLEA_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("ASAMBLEA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("LANG", "es_PE.UTF-8")
    out = tmp_path / "no.zip"
    assert cli.main(["minutes", str(session.assembly_id), "--out", str(out)]) == 1
    assert capsys.readouterr().err.strip() == (
        "asamblea: Hay una votación abierta: redacte el acta cuando todas las votaciones "
        "estén cerradas.")
    assert not out.exists()
    assert client.get(url).status_code == 404
    client.post(f"/api/v1/polls/{poll_id}/close", headers=board)
    # 2. drawn up and signed
    made = client.post(url, headers=board, json={"language": "es"})
    assert made.status_code == 201, made.text
    statement = made.json()["statement"]
    assert statement["format"] == "asamblea.minutes/1"
    package = client.get(f"{url}.zip")
    path = _save(tmp_path, package.content)
    assert verify_minutes(read_minutes(path)).ok
    pdf = _read_back(client, board, package.content, poll_id, statement)
    _cosign(client, board, url, read_minutes(path).statement_json)
    signed = _save(tmp_path, client.get(f"{url}.zip").content, "signed.zip")
    assert verify_main([str(signed)]) == 0
    out = capsys.readouterr().out
    assert "cosignature:presidenta" in out and "cosignature:secretario" in out
    assert "VALID" in out
    # 5. a changed PDF is caught
    assert verify_main([str(_tampered(signed, tmp_path))]) == 1
    assert "document:minutes.pdf" in capsys.readouterr().out
    # 6. the archive publishes them
    public = client.get(f"/minutes/{session.assembly_id}?lang=es")
    assert public.status_code == 200 and "presidenta" in public.text
    assert client.get(f"/minutes/{session.assembly_id}/minutes.pdf").content == pdf
    listed = client.get("/minutes").context["assemblies"]
    assert session.assembly_id in [a.id for a in listed]
