"""Accountability: every login attempt is logged in UTC and auditors read the log; every staff
action lands in the hash-chained audit trail; auditors export the whole trail and verify it
offline, and a changed or cut trail shows."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from ballots import signing
from governance.audit.models import AuditEvent
from governance.auth import throttle
from governance.db import utcnow
from tests.factories import PASSWORD, csrf, make_staff
from tests.factories_security import PDF, log_in, make_world


def _cli(*args, settings, cwd):
    env = {**os.environ, "LC_ALL": "C.UTF-8", "ASAMBLEA_DATABASE_URL": settings.database_url,
           "ASAMBLEA_DATA_DIR": str(settings.data_dir)}
    return subprocess.run([sys.executable, "-m", "governance.cli", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120, check=False)


def test_every_login_attempt_is_logged_in_utc_and_auditors_read_them(app, client, database,
                                                                      settings):
    world = make_world(database, settings)
    with database.transaction() as db:
        username = make_staff(db, settings, "board", "bea").username
    started = utcnow()
    browser = log_in(app, "anonymous", world).browser
    token = csrf(browser)
    # staff: page and API, right and wrong; delegate: page and API, right and wrong
    browser.post("/login", data={"username": username, "password": "wrong password",
                                 "csrf_token": token})
    browser.post("/login", data={"username": username, "password": PASSWORD,
                                 "csrf_token": token})
    client.post("/api/v1/login", json={"username": username, "password": "nope"})
    client.post("/api/v1/login", json={"username": username, "password": PASSWORD})
    browser.post("/login/credential", data={"credential": world.credential[:-1] + "Z",
                                            "csrf_token": csrf(browser)})
    browser.post("/login/credential", data={"credential": world.credential,
                                            "csrf_token": csrf(browser)})
    client.post("/api/v1/login", json={"credential": "ZZZZ-not-a-credential"})
    client.post("/api/v1/login", json={"credential": world.credential})
    wrong = world.other_credential_id + "-2222-2222-2222-2222-2222-2222"
    for _ in range(throttle.CREDENTIAL_PER_IDENTIFIER + 1):  # the last one is throttled
        client.post("/api/v1/login", json={"credential": wrong})

    auditor = log_in(app, "auditor", world)
    listed = client.get("/api/v1/auth-attempts?page_size=100", headers=auditor.api).json()
    mine = [a for a in listed["attempts"]
            if datetime.fromisoformat(a["at"].replace("Z", "+00:00")) >= started.replace(
                microsecond=0) and not a["account"].startswith("user:auditor")]
    seen = [(a["kind"], a["account"].split(":")[0], a["success"]) for a in reversed(mine)]
    assert seen[:8] == [
        ("password", "user", False), ("password", "user", True),
        ("password", "user", False), ("password", "user", True),
        ("credential", "credential", False), ("credential", "credential", True),
        ("credential", "credential?", False), ("credential", "credential", True)]
    assert seen[8:] == [("credential", "credential", False)] * throttle.CREDENTIAL_PER_IDENTIFIER \
        + [("credential:limited", "credential", False)]
    for attempt in mine:
        assert attempt["at"].endswith("Z")
        moment = datetime.fromisoformat(attempt["at"].replace("Z", "+00:00"))
        assert moment.tzinfo == UTC and abs(moment - utcnow()) < timedelta(minutes=5)
        assert attempt["client"] == "testclient"
    # filters, and the page
    failed = client.get("/api/v1/auth-attempts?success=false&kind=password",
                        headers=auditor.api).json()
    assert failed["total"] == 2 and all(not a["success"] for a in failed["attempts"])
    page = auditor.browser.get("/audit/logins?success=false")
    assert page.status_code == 200 and page.template == "audit/logins.html"
    assert page.context["page"].total == len([a for a in mine if not a["success"]])
    assert "credential:limited" in page.text


def test_every_staff_action_is_in_the_trail_with_its_actor(app, client, database, settings):
    world = make_world(database, settings)
    committee, board = log_in(app, "committee", world), log_in(app, "board", world)
    auditor = log_in(app, "auditor", world)
    c, b = committee.api, board.api
    base = f"/api/v1/assemblies/{world.assembly_id}"
    before = {e["seq"] for e in _trail(client, auditor)}

    org = client.post("/api/v1/organizations", headers=c,
                      json={"name": "Miel del Sur", "country": "CL", "members": 12}).json()
    client.patch(f"/api/v1/organizations/{org['id']}", headers=c, json={"members": 13})
    client.post("/api/v1/organizations/import", headers={**c, "Content-Type": "text/csv"},
                content=b"name,country,members\nCacao Norte,PE,40\n")
    assembly = client.post("/api/v1/assemblies", headers=b, json={
        "title": "Extraordinaria", "starts_at": "2026-05-01T09:00:00-05:00",
        "weighting": {"scheme": "equal"}}).json()
    client.post(f"/api/v1/assemblies/{assembly['id']}/state", headers=b,
                json={"state": "accreditation"})
    issued = client.post(f"/api/v1/assemblies/{assembly['id']}/delegates", headers=c,
                         json={"organization_id": org["id"], "name": "Lía"}).json()
    client.post(f"/api/v1/assemblies/{assembly['id']}/delegates/{issued['delegate_id']}"
                "/reissue", headers=c)
    client.post(f"/api/v1/assemblies/{assembly['id']}/check-in", headers=c,
                json={"delegate_id": issued["delegate_id"]})
    client.post(f"/api/v1/assemblies/{assembly['id']}/check-out", headers=c,
                json={"delegate_id": issued["delegate_id"]})
    client.post(f"/api/v1/assemblies/{assembly['id']}/delegates/{issued['delegate_id']}"
                "/revoke", headers=c)
    sheets = committee.browser.post(f"/assemblies/{world.assembly_id}/credential-sheets",
                                    data={"csrf_token": csrf(committee.browser, "/"),
                                          "scope": "all"})
    assert sheets.status_code == 200
    proxy = client.post(f"{base}/proxies", headers=c, json={
        "organization_id": world.foreign_organization_id, "delegate_id": world.delegate_id})
    client.put(f"{base}/proxies/{world.proxy_id}/letter?filename=carta.pdf",
               headers={**c, "Content-Type": "application/octet-stream"}, content=PDF)
    client.post(f"{base}/proxies/{world.proxy_id}/revoke", headers=c)
    poll = client.post("/api/v1/polls", headers=b, json={
        "assembly_id": world.assembly_id, "title": "Nueva", "method": "yes_no_abstain"}).json()
    client.post(f"/api/v1/polls/{poll['id']}/open", headers=b)
    client.post(f"/api/v1/polls/{poll['id']}/teller-ballots", headers=c,
                json={"delegate_id": world.other_delegate_id, "choice": "no"})
    client.post(f"/api/v1/polls/{poll['id']}/close", headers=b)
    result = client.get(f"/api/v1/polls/{poll['id']}/result").json()
    key = signing.generate_private_key()
    cosigned = client.post(f"/api/v1/polls/{poll['id']}/cosignatures", headers=auditor.api, json={
        "name": "auditora", "public_key_pem": signing.public_key_pem(key.public_key()).decode(),
        "signature": base64.b64encode(key.sign(result["result_json"].encode())).decode()})
    assert cosigned.status_code == 201, cosigned.text
    assert proxy.status_code in (201, 404, 409)

    events = [e for e in _trail(client, auditor) if e["seq"] not in before]
    actions = {e["action"]: e["actor"] for e in events}
    assert set(actions) >= {
        "organization.create", "organization.update", "organization.import",
        "assembly.create", "assembly.state", "credential.issue", "credential.reissue",
        "delegate.check_in", "delegate.check_out", "credential.revoke", "credential.print",
        "proxy.letter", "proxy.revoke", "poll.create", "poll.open", "ballot.teller",
        "poll.close", "result.cosign"}
    for action, actor in actions.items():
        assert actor.startswith("staff:"), (action, actor)
    assert "choice" not in str([e for e in events if e["action"] == "ballot.teller"])


def _trail(client, auditor) -> list[dict]:
    events, after = [], -1
    while True:
        page = client.get(f"/api/v1/audit/events?after_seq={after}", headers=auditor.api).json()
        events += page["events"]
        if len(page["events"]) < 1000:
            return events
        after = page["events"][-1]["seq"]


def test_auditors_export_the_whole_trail_and_verify_it_offline(app, client, database, settings,
                                                               tmp_path):
    world = make_world(database, settings)
    auditor = log_in(app, "auditor", world)
    exported = client.get("/api/v1/audit/trail.jsonl", headers=auditor.api)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/x-ndjson")
    trail = tmp_path / "trail.jsonl"
    trail.write_bytes(exported.content)
    lines = exported.content.splitlines()
    head = client.get("/api/v1/audit/events?after_seq=-1&limit=1", headers=auditor.api).json()
    assert len(lines) == head["head"]["seq"] + 1 > 10

    checked = _cli("audit", "verify", str(trail), "--head", head["head"]["hash"],
                   settings=settings, cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert f"{len(lines)} events" in checked.stdout
    # the command's own export is the same bytes
    assert _cli("audit", "export", "again.jsonl", settings=settings,
                cwd=tmp_path).returncode == 0
    assert (tmp_path / "again.jsonl").read_bytes() == exported.content

    # a changed entry, a removed one, and a cut end are all caught
    changed = tmp_path / "changed.jsonl"
    changed.write_bytes(b"\n".join([*lines[:3], lines[3].replace(b"staff:", b"staff:x"),
                                    *lines[4:]]) + b"\n")
    removed = tmp_path / "removed.jsonl"
    removed.write_bytes(b"\n".join([*lines[:3], *lines[4:]]) + b"\n")
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(b"\n".join(lines[:-2]) + b"\n")
    for damaged, extra in ((changed, ()), (removed, ()), (cut, ("--head", head["head"]["hash"]))):
        result = _cli("audit", "verify", str(damaged), *extra, settings=settings, cwd=tmp_path)
        assert result.returncode == 1, damaged
        assert "NOT whole" in result.stderr
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text("not json\n")
    assert _cli("audit", "verify", str(garbage), settings=settings, cwd=tmp_path).returncode == 1


def test_the_trail_page_shows_a_tampered_database(app, client, database, settings):
    world = make_world(database, settings)
    auditor = log_in(app, "auditor", world)
    whole = auditor.browser.get("/audit/trail")
    assert whole.status_code == 200 and whole.context["check"].ok
    assert whole.context["events"][0].seq == whole.context["head_seq"]  # newest first
    with database.transaction() as db:  # the server operator edits a row by hand
        db.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(actor="staff:nadie"))
    broken = auditor.browser.get("/audit/trail")
    assert not broken.context["check"].ok
    assert "event 2: hash does not match its content" in broken.context["check"].problems
    assert 'role="alert"' in broken.text
    older = auditor.browser.get(f"/audit/trail?before={whole.context['head_seq']}")
    assert older.context["events"][0].seq == whole.context["head_seq"] - 1
