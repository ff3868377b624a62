"""A small world with one of everything a route can name (assembly, delegates, proxy with a
letter, polls in every state, a receipt, a second assembly), principals of every role, and a
snapshot of the whole database to show that something did not change."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from governance.assemblies import services as assemblies
from governance.assemblies.models import Assembly
from governance.db import Base, Database, utcnow
from governance.elections import services as elections
from governance.floor import agenda, speakers
from governance.motions import attachments
from governance.motions import services as motions
from governance.polls import services as polls
from governance.results.services import sealer
from governance.settings import Settings
from tests.factories import PASSWORD, csrf, make_staff
from tests.factories_motions import PDF as MOTION_PDF
from tests.factories_motions import make_plan
from tests.factories_polls import ACTOR, assembly_in_session, ensure_key

ROLES = ("anonymous", "delegate", "committee", "board", "auditor", "admin")
STAFF_ROLES = ("committee", "board", "auditor", "admin")
PDF = b"%PDF-1.4\n% a proxy letter\n"


@dataclass
class World:
    assembly_id: int
    delegate_id: int  # the delegate who logs in as "delegate"; holds a proxy
    credential: str
    organization_id: int  # the delegate's own organization
    proxy_organization_id: int  # whose proxy the delegate holds
    other_delegate_id: int  # another delegate of the same assembly
    other_organization_id: int
    other_credential_id: str  # its public identifier
    proxy_id: int
    draft_poll_id: int
    open_poll_id: int
    closed_poll_id: int
    receipt: str  # of the delegate's ballot in the closed poll
    foreign_assembly_id: int  # another assembly in session
    foreign_poll_id: int  # open, in the other assembly
    foreign_organization_id: int
    motion_id: int  # a published strategic plan with an objective and an attachment
    motion_code: str
    attachment_id: int
    item_id: int = 0
    speaker_id: int = 0
    election_id: int = 0
    candidacy_id: int = 0
    params: dict[str, Any] = field(default_factory=dict)


def make_world(database: Database, settings: Settings) -> World:
    ensure_key(settings)
    now = utcnow()
    with database.transaction() as db:
        session = assembly_in_session(db, settings, [10, 20, 30], proxies=[(5, 0)])
        db.get(Assembly, session.assembly_id).self_check_in = True
        mine, other = session.delegations[0], session.delegations[1]
        giver = next(iter(session.proxies))
        proxy = next(r.proxy for r in assemblies.list_proxies(db, session.assembly_id)
                     if r.proxy.organization_id == giver)
        assemblies.attach_letter(db, settings, session.assembly_id, proxy.id, PDF, "carta.pdf",
                                 ACTOR, now)
        yes_no = {"method": "yes_no_abstain"}
        closed = polls.create_poll(db, session.assembly_id, {"title": "Cerrada", **yes_no},
                                   ACTOR, now)
        polls.open_poll(db, closed.id, ACTOR, now)
        ballot = polls.cast_ballot(db, closed.id, delegate_id=mine.delegate_id,
                                   payload={"choice": "yes"}, now=now)
        polls.close_poll(db, sealer(settings), closed.id, ACTOR, now)
        opened = polls.create_poll(db, session.assembly_id, {"title": "Abierta", **yes_no},
                                   ACTOR, now)
        polls.open_poll(db, opened.id, ACTOR, now)
        draft = polls.create_poll(db, session.assembly_id, {"title": "Borrador",
                                                            "method": "yes_no_abstain"}, ACTOR, now)
        foreign = assembly_in_session(db, settings, [40])
        foreign_poll = polls.create_poll(db, foreign.assembly_id, {
            "title": "Ajena", "method": "yes_no_abstain"}, ACTOR, now)
        polls.open_poll(db, foreign_poll.id, ACTOR, now)
        other_identifier = assemblies.delegate_row(db, session.assembly_id,
                                                   other.delegate_id).delegate.credential_id
        floor = _floor(db, session.assembly_id, mine.organization_id, other.delegate_id)
        plan = make_plan(db, objectives=1)
        attachment = attachments.add_attachment(db, settings, plan.id, "anexo.pdf", MOTION_PDF,
                                                ACTOR)
        motions.publish_motion(db, plan.id, ACTOR)
        world = World(
            assembly_id=session.assembly_id, delegate_id=mine.delegate_id,
            credential=mine.credential, organization_id=mine.organization_id,
            proxy_organization_id=giver, other_delegate_id=other.delegate_id,
            other_organization_id=other.organization_id, other_credential_id=other_identifier,
            proxy_id=proxy.id, draft_poll_id=draft.id, open_poll_id=opened.id,
            closed_poll_id=closed.id, receipt=ballot.receipt,
            foreign_assembly_id=foreign.assembly_id, foreign_poll_id=foreign_poll.id,
            foreign_organization_id=foreign.delegations[0].organization_id,
            motion_id=plan.id, motion_code=plan.code, attachment_id=attachment.id,
            **floor)
    world.params = {"assembly_id": world.assembly_id, "organization_id": world.organization_id,
                    "delegate_id": world.other_delegate_id, "proxy_id": world.proxy_id,
                    "credential_id": world.other_credential_id, "poll_id": world.open_poll_id,
                    "receipt": world.receipt, "path": "asamblea.css",
                    "motion_id": world.motion_id, "code": world.motion_code,
                    "attachment_id": world.attachment_id, "number": 1, "language": "en",
                    **floor}
    return world


def _floor(db: Any, assembly_id: int, organization_id: int, delegate_id: int) -> dict[str, int]:
    """An agenda item under way with a speaker waiting, and an election with a nomination."""
    now = utcnow()
    item = agenda.add_item(db, assembly_id, {"title": "Informe"}, ACTOR, now)
    agenda.start_item(db, item.id, ACTOR, now)
    speaker = speakers.request_floor(db, item.id, delegate_id, "speech", ACTOR, now)
    election = elections.create_election(db, assembly_id, {"title": "Consejo", "seats": 3},
                                         ACTOR, now)
    candidacy = elections.nominate(db, election.id, organization_id, "Rosa", None, ACTOR, now)
    return {"item_id": item.id, "speaker_id": speaker.id, "election_id": election.id,
            "candidacy_id": candidacy.id}


@dataclass
class Actor:
    """A role's browser (cookie session) and its API headers (bearer token)."""

    role: str
    browser: TestClient
    api: dict[str, str]


def log_in(app: Any, role: str, world: World) -> Actor:
    browser = TestClient(app, follow_redirects=False)
    if role == "anonymous":
        return Actor(role, browser, {})
    if role == "delegate":
        form = {"credential": world.credential}
        api_body: dict[str, str] = {"credential": world.credential}
        path = "/login/credential"
    else:
        with app.state.database.transaction() as db:
            username = make_staff(db, app.state.settings, role).username
        form = {"username": username, "password": PASSWORD}
        api_body = {"username": username, "password": PASSWORD}
        path = "/login"
    response = browser.post(path, data={**form, "csrf_token": csrf(browser), "next": "/"})
    assert response.status_code == 303, response.text
    token = browser.post("/api/v1/login", json=api_body)
    assert token.status_code == 200, token.text
    return Actor(role, browser, {"Authorization": f"Bearer {token.json()['token']}"})


def form_token(actor: Actor) -> str:
    return csrf(actor.browser, "/login")


def snapshot(database: Database, skip: tuple[str, ...] = ("login_sessions",)) -> dict[str, Any]:
    """Every row of every table (sessions aside: reading a page refreshes last_seen_at)."""
    state: dict[str, Any] = {}
    with database.transaction(write=False) as db:
        for table in Base.metadata.sorted_tables:
            if table.name in skip:
                continue
            rows = db.execute(select(table)).all()
            state[table.name] = sorted(repr(tuple(row)) for row in rows)
    return state


def security_header_problems(response: Any, hsts: bool = False) -> list[str]:
    """What is missing from the headers every response must carry."""
    headers = response.headers
    csp = headers.get("content-security-policy", "")
    # a sandboxed download (a proxy letter) says default-src 'none', which covers object-src
    needed = ["base-uri 'none'", "frame-ancestors 'none'"]
    needed.append("default-src 'none'" if csp.startswith("sandbox") else "object-src 'none'")
    problems = [f"CSP lacks {part}" for part in needed if part not in csp]
    if "'unsafe-inline'" in csp:
        problems.append("CSP allows unsafe-inline")
    if headers.get("x-content-type-options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if not headers.get("referrer-policy"):
        problems.append("no Referrer-Policy")
    if ("strict-transport-security" in headers) != hsts:
        problems.append("HSTS " + ("missing" if hsts else "sent over plain http"))
    return problems
