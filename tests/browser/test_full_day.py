"""A full assembly day, as numbered steps through the API, the browser and the command line:
the agenda adopted by vote; speakers with a time limit and a point of order; a statutes
amendment that needs a two-thirds double majority; a board election of 7 seats with one seat
reserved for each of the 4 regions and one for the Workers Network, parity on, where the
reservations change the outcome compared with plain ranking; the minutes drawn up with
`asamblea minutes`, read back with pypdf (every section, every result's fingerprint and bundle
hash), co-signed by two staff keys with `asamblea cosign`, and verified by `asamblea verify`."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from pypdf import PdfReader

from governance import cli
from governance.motions import services as motions
from tests.browser.helpers import (
    add_staff,
    assert_accessible,
    assert_fits,
    login_delegate,
    login_staff,
)
from tests.factories import make_organization
from tests.factories_elections import PEOPLE, REGIONS
from tests.factories_polls import ACTOR, assembly_in_session, ensure_key

SECTIONS = ["Acta de la", "1. Asistencia", "2. Quórum en la apertura",
            "3. El orden del día tal como se desarrolló", "4. Los puntos y sus oradores",
            "5. Votaciones y elecciones", "6. Firmas"]


class Api:
    """JSON calls to the live server, as an integrator's script makes them."""

    def __init__(self, request, headers=None):  # type: ignore[no-untyped-def]
        self.request, self.headers = request, headers or {}

    def as_(self, token: str) -> Api:
        return Api(self.request, {"Authorization": f"Bearer {token}"})

    def call(self, method: str, path: str, body=None, status: int = 200):  # type: ignore[no-untyped-def]
        response = self.request.fetch("/api/v1" + path, method=method, headers=self.headers,
                                      data=body)
        assert response.status == status, (method, path, response.status, response.text())
        return response.json() if "json" in response.headers.get("content-type", "") else \
            response.body()


def _login(api: Api, **credentials: str) -> Api:
    return api.as_(api.call("POST", "/login", credentials)["token"])


@dataclass
class Day:
    """What the steps share: the assembly, who calls the API, and what happened so far."""

    live_server: Any
    assembly: int
    delegations: list[Any]
    amendment: Any
    nominators: list[int]
    anonymous: Api
    board: Api
    committee: Api
    voters: list[Api]
    polls: list[int] = field(default_factory=list)

    def vote(self, poll_id: int, choices: list[dict[str, Any]]) -> None:
        self.board.call("POST", f"/polls/{poll_id}/open")
        for voter, choice in zip(self.voters, choices, strict=True):
            voter.call("POST", f"/polls/{poll_id}/ballots", choice, status=201)
        self.board.call("POST", f"/polls/{poll_id}/close")
        self.polls.append(poll_id)


def _set_up(live_server, browser) -> Day:  # type: ignore[no-untyped-def]
    """1. An assembly in session, eleven organizations voting, eleven more that nominate
    candidates, a published statutes amendment."""
    ensure_key(live_server.settings)
    with live_server.database.transaction() as db:
        session = assembly_in_session(db, live_server.settings, [p[4] for p in PEOPLE],
                                      quorum_weight_pct=50)
        nominators = [make_organization(db, name=f"Organización de {p[0]}", region=p[1],
                                        networks=p[2]).id for p in PEOPLE]
        amendment = motions.create_motion(db, {
            "code": "GA-2026-12", "kind": "statute_amendment",
            "title": "Reforma del artículo 12", "assembly_id": session.assembly_id,
            "body": "El Consejo Directivo tendrá siete cargos con reservas regionales."}, ACTOR)
        motions.publish_motion(db, amendment.id, ACTOR)
    anonymous = Api(browser.new_context(base_url=live_server.url).request)
    staff = {role: _login(anonymous, username=add_staff(live_server, role),
                          password="correct horse battery") for role in ("board", "committee")}
    return Day(live_server, session.assembly_id, session.delegations, amendment, nominators,
               anonymous, staff["board"], staff["committee"],
               [_login(anonymous, credential=d.credential) for d in session.delegations])


def _agenda_adopted(day: Day) -> None:
    """2. The agenda, adopted by vote."""
    for title in ("Informe del Consejo", "Reforma del artículo 12", "Elección del Consejo",
                  "Varios"):
        day.board.call("POST", f"/assemblies/{day.assembly}/agenda/items",
                       {"title": title, "duration_minutes": 30}, status=201)
    agenda = day.board.call("POST", f"/assemblies/{day.assembly}/agenda/poll", status=201)
    day.vote(agenda["poll_id"], [{"choice": "yes"}] * len(day.voters))
    assert day.board.call("GET", f"/assemblies/{day.assembly}/agenda")["status"] == "adopted"


def _speakers(day: Day, chair, phone) -> None:  # type: ignore[no-untyped-def]
    """3.–4. The chair starts the day with a 60-second limit; a delegate asks for the floor
    from a phone without JavaScript, another raises a point of order, which goes first."""
    login_staff(chair, add_staff(day.live_server, "board"))
    chair.goto(f"/assemblies/{day.assembly}/agenda")
    chair.get_by_label("Tiempo por intervención, en segundos").fill("60")
    chair.get_by_role("button", name="Guardar las reglas").click()
    chair.get_by_role("button", name="Comenzar el orden del día").click()
    expect(chair.locator("[aria-current=step]")).to_contain_text("Informe del Consejo")
    assert_accessible(chair)
    login_delegate(phone, day.delegations[6].credential)
    phone.goto("/me/floor")
    phone.get_by_role("button", name="Pedir la palabra").click()
    expect(phone.get_by_text("Usted es el número 1 en la lista de oradores.")).to_be_visible()
    item = day.board.call("GET", f"/assemblies/{day.assembly}/agenda")["current_item_id"]
    day.voters[2].call("POST", f"/agenda-items/{item}/speakers", {"kind": "point_of_order"},
                       status=201)
    chair.goto(f"/agenda-items/{item}/speakers")
    expect(chair.locator("ol.speakers > li").first).to_contain_text("Cuestión de orden")
    chair.get_by_role("button", name="Dar la palabra a la siguiente persona").click()
    expect(chair.locator(".speaker-now")).to_contain_text("Delegada 2")
    point = day.board.call("GET", f"/agenda-items/{item}/speakers")
    assert point["speaking"]["kind"] == "point_of_order"
    assert point["speaking"]["limit_seconds"] == 60 and point["remaining_seconds"] <= 60
    expect(chair.locator(".countdown .clock")).to_have_text(re.compile(r"^[01]:\d\d$"))
    chair.get_by_role("button", name="Dar la palabra a la siguiente persona").click()
    expect(chair.locator(".speaker-now")).to_contain_text("Delegada 6")
    chair.get_by_role("button", name="Terminar esta intervención").click()
    heard = day.board.call("GET", f"/agenda-items/{item}/speakers")["heard"]
    assert [h["name"] for h in heard] == ["Delegada 2", "Delegada 6"]
    assert_accessible(chair)
    assert_fits(phone)


def _amendment(day: Day) -> None:
    """5. The statutes amendment needs two thirds of the weight AND of the organizations:
    8 of 11 organizations (73 %) with 88 % of the weight vote yes."""
    day.board.call("POST", f"/assemblies/{day.assembly}/agenda/next")
    poll = day.board.call("POST", "/polls", {
        "assembly_id": day.assembly, "title": "Reforma del artículo 12",
        "method": "yes_no_abstain", "motion_id": day.amendment.id,
        "rules": {"majority": "double", "double_weight_pct": 67, "double_orgs_pct": 67}},
        status=201)
    day.vote(poll["id"], [{"choice": "no" if n in (6, 9, 10) else "yes"}
                          for n in range(len(day.voters))])
    result = day.board.call("GET", f"/polls/{poll['id']}/result")["result"]
    assert result["outcome"] == "adopted"
    assert result["tally"]["yes"]["organizations"] == 8
    assert day.board.call("GET", f"/motions/{day.amendment.code}")["status"] == "adopted"


def _election(day: Day) -> None:
    """6. The board election: 7 seats, one per region and one for the Workers Network,
    parity on; the reservations and parity change the plain ranking."""
    day.board.call("POST", f"/assemblies/{day.assembly}/agenda/next")
    election = day.board.call("POST", f"/assemblies/{day.assembly}/elections", {
        "title": "Elección del Consejo Directivo", "seats": 7, "parity": True,
        "reservations": [{"kind": "region", "value": r} for r in REGIONS]
        + [{"kind": "network", "value": "Workers Network"}]}, status=201)
    keys = []
    for person, organization in zip(PEOPLE, day.nominators, strict=True):
        made = day.committee.call("POST", f"/elections/{election['id']}/candidates", {
            "name": person[0], "gender": person[3], "organization_id": organization},
            status=201)
        day.committee.call("POST", f"/candidates/{made['id']}/accept")
        keys.append(made["option"])
    election = day.board.call("POST", f"/elections/{election['id']}/poll", status=201)
    day.vote(election["poll_id"], [{"choices": [key]} for key in keys])
    seats = day.board.call("GET", f"/elections/{election['id']}")["seats_filled"]
    names = dict(zip(keys, (p[0] for p in PEOPLE), strict=True))
    elected = {names[s["candidate"]] for s in seats}
    plain = {p[0] for p in sorted(PEOPLE, key=lambda p: -p[4])[:7]}
    assert elected != plain
    assert {"Gloria Saint-Jean", "Hugo Benítez", "Inés Núñez"} <= elected
    assert [s["reason"] for s in seats][-1] == "parity"


def _minutes(day: Day, package: Path) -> None:
    """7. The day ends; no poll is open; `asamblea minutes` draws them up; pypdf reads back
    every section and every result's fingerprint and bundle hash."""
    for _ in range(2):
        day.board.call("POST", f"/assemblies/{day.assembly}/agenda/next")
    day.board.call("POST", f"/assemblies/{day.assembly}/state", {"state": "closed"})
    assert cli.main(["minutes", str(day.assembly), "--out", str(package)]) == 0
    with zipfile.ZipFile(package) as archive:
        pdf = archive.read("minutes.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for section in SECTIONS:
        assert section in text, section
    for poll_id in day.polls:
        bundle = day.board.call("GET", f"/polls/{poll_id}/bundle.zip")
        signed = day.board.call("GET", f"/polls/{poll_id}/result")["result"]
        assert signed["signing_key"]["sha256"] in text
        assert hashlib.sha256(bundle).hexdigest() in text, poll_id
    flat = " ".join(text.split())  # sentences wrap across lines in the PDF
    assert "Cargo 5 — reservado para Workers Network: Inés Núñez" in flat


def _cosign(day: Day, chair, package: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """8. Two staff keys co-sign offline; the secretariat uploads on the minutes page."""
    capsys.readouterr()
    for officer in ("presidenta", "secretario"):
        key = tmp_path / f"{officer}.pem"
        assert cli.main(["cosign", "--generate-key", str(key)]) == 0
        assert cli.main(["cosign", str(package), "--key", str(key), "--name", officer]) == 0
        printed = capsys.readouterr().out
        signature = re.search(r"^signature: (\S+)$", printed, re.M).group(1)
        pem = printed[printed.index("-----BEGIN PUBLIC KEY-----"):]
        chair.goto(f"/assemblies/{day.assembly}/minutes")
        chair.get_by_label("Nombre (letras, cifras, - o _)").fill(officer)
        chair.get_by_label("Firma (base64)").fill(signature)
        chair.get_by_label("Clave pública (PEM)").fill(pem)
        chair.get_by_role("button", name="Agregar la cofirma").click()
        expect(chair.locator(".digests")).to_contain_text(officer)
    assert_accessible(chair)


def test_a_full_assembly_day(live_server, desktop_page, new_page, browser, tmp_path,
                             monkeypatch, capsys):
    day = _set_up(live_server, browser)
    _agenda_adopted(day)
    _speakers(day, desktop_page, new_page(viewport="phone", javascript=False))
    _amendment(day)
    _election(day)
    monkeypatch.setenv("ASAMBLEA_DATABASE_URL", live_server.settings.database_url)
    monkeypatch.setenv("ASAMBLEA_DATA_DIR", str(live_server.settings.data_dir))
    package = tmp_path / "acta.zip"
    _minutes(day, package)
    _cosign(day, desktop_page, package, tmp_path, capsys)
    # 9. The signed minutes, downloaded from the archive, verify with both co-signatures.
    signed = tmp_path / "acta-firmada.zip"
    signed.write_bytes(day.anonymous.call("GET", f"/assemblies/{day.assembly}/minutes.zip"))
    capsys.readouterr()
    assert cli.main(["verify", str(signed)]) == 0
    report = capsys.readouterr().out
    assert "cosignature:presidenta" in report and "cosignature:secretario" in report
    assert "VALID" in report
    public = new_page(viewport="phone", javascript=False)
    public.goto(f"/minutes/{day.assembly}")
    expect(public.locator(".digests")).to_contain_text("secretario")
    assert_accessible(public)
    assert_fits(public)
