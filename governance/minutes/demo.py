"""The demo's past assembly day, run through the floor from start to end: the agenda adopted
by a poll, speakers with a point of order, a statutes amendment voted by a two-thirds double
majority, the board elected with reserved seats and parity, and the signed minutes co-signed
by the president and the secretary and published in the archive. Created once, reused after.

The day is played on a clock of its own (15 October 2025, Lima time), so its record reads
like the day it was."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ballots import signing
from governance import i18n
from governance.assemblies import services as assemblies
from governance.assemblies.models import Assembly, Delegate
from governance.elections import services as elections
from governance.floor import agenda, speakers
from governance.minutes import services as minutes
from governance.motions import services as motions
from governance.organizations.models import Organization
from governance.polls import services as polls
from governance.results.services import sealer
from governance.settings import Settings

Seal = Callable[[Session, object, datetime], None]
TITLE = "Asamblea General Ordinaria 2025"
ACTOR = "system:demo"
AMENDMENT = (
    "Reforma del artículo 12 del estatuto: el Consejo Directivo tendrá siete cargos, uno "
    "reservado para cada región y uno para la Red de Trabajadores, con paridad de género.")
# Candidates: (name, gender, index of the nominating organization among the active ones)
CANDIDATES = [
    ("Ana María Quispe Mamani", "woman", 0), ("Julio César Huamán", "man", 2),
    ("Rigoberto Ixcot Batz", "man", 14), ("Marvin Alexander Reyes", "man", 18),
    ("Jean-Baptiste Pierre", "man", 26), ("Rosa Elena Domínguez", "woman", 24),
    ("João Batista Ferreira", "man", 34), ("Graciela Núñez Benítez", "woman", 35),
    ("Luz Marina Caicedo", "woman", 7), ("Pedro Pablo Caamaño", "man", 22),
    ("Leticia Ñancupil", "woman", 37),
]


def _clock() -> Iterator[datetime]:
    moment = datetime(2025, 10, 15, 13, 30, tzinfo=UTC)  # 08:30 in Lima
    while True:
        yield moment
        moment += timedelta(seconds=30)


def _vote(db: Session, poll_id: int, delegates: list[Delegate], tick: Iterator[datetime],
          choose: Callable[[int], dict[str, object]]) -> None:
    for number, delegate in enumerate(delegates):
        payload = choose(number)
        if payload is not None:
            polls.cast_ballot(db, poll_id, delegate_id=delegate.id, payload=payload,
                              now=next(tick))


def _accredit(db: Session, settings: Settings, assembly: Assembly,
              tick: Iterator[datetime]) -> list[Delegate]:
    active = list(db.scalars(select(Organization).where(Organization.standing == "active")
                             .order_by(Organization.id)))
    for number, organization in enumerate(active[:-3]):  # three send their vote by proxy
        issued = assemblies.issue_credential(
            db, settings, assembly.id, organization.id, f"Delegada {number + 1}"
            if number % 2 else f"Delegado {number + 1}", ACTOR, next(tick),
            "woman" if number % 2 else "man")
        assemblies.check_in(db, assembly.id, issued.delegate_id, ACTOR, next(tick))
    delegates = list(db.scalars(select(Delegate).where(Delegate.assembly_id == assembly.id)
                                .order_by(Delegate.id)))
    for giver, holder in zip(active[-3:], delegates[:3], strict=True):
        assemblies.grant_proxy(db, settings, assembly.id, giver.id, holder.id, ACTOR,
                               next(tick))
    assemblies.freeze_roll(db, assembly.id, ACTOR, next(tick))
    return delegates


def _debate(db: Session, item_id: int, delegates: list[Delegate],
            tick: Iterator[datetime]) -> None:
    """Three speeches and a point of order, each given the floor in turn."""
    for delegate in delegates[3:6]:
        speakers.request_floor(db, item_id, delegate.id, "speech", ACTOR, next(tick))
    speakers.call_next(db, item_id, ACTOR, next(tick))
    speakers.request_floor(db, item_id, delegates[9].id, "point_of_order", ACTOR, next(tick))
    for _ in range(3):  # the point of order first, then the two speeches left
        speakers.call_next(db, item_id, ACTOR, next(tick))
    speakers.end_speech(db, item_id, ACTOR, next(tick))


def _amendment(db: Session, seal: Seal, assembly: Assembly, delegates: list[Delegate],
               tick: Iterator[datetime]) -> None:
    motion = motions.create_motion(db, {
        "code": "GA-2025-07", "kind": "statute_amendment",
        "title": "Reforma del artículo 12 del estatuto", "body": AMENDMENT,
        "assembly_id": assembly.id}, ACTOR, next(tick))
    motions.publish_motion(db, motion.id, ACTOR, next(tick))
    poll = polls.create_poll(db, assembly.id, {
        "title": "Reforma del artículo 12 del estatuto", "method": "yes_no_abstain",
        "motion_id": motion.id, "rules": {"majority": "double", "double_weight_pct": 67,
                                          "double_orgs_pct": 67}}, ACTOR, next(tick))
    polls.open_poll(db, poll.id, ACTOR, next(tick))
    _vote(db, poll.id, delegates, tick,
          lambda n: {"choice": "no" if n % 6 == 5 else "yes"})
    polls.close_poll(db, seal, poll.id, ACTOR, next(tick))


def _election(db: Session, seal: Seal, assembly: Assembly, delegates: list[Delegate],
              tick: Iterator[datetime]) -> None:
    regions = ("central_america_mexico", "caribbean", "andean", "southern_cone")
    election = elections.create_election(db, assembly.id, {
        "title": "Elección del Consejo Directivo 2025–2029", "seats": 7,
        "reservations": [{"kind": "region", "value": r} for r in regions]
        + [{"kind": "network", "value": "Trabajadores"}], "parity": True}, ACTOR, next(tick))
    active = list(db.scalars(select(Organization).where(Organization.standing == "active")
                             .order_by(Organization.id)))
    for name, gender, index in CANDIDATES:
        nominated = elections.nominate(db, election.id, active[index].id, name, gender, ACTOR,
                                       next(tick))
        elections.accept(db, nominated.id, ACTOR, next(tick))
    poll = elections.create_poll(db, election.id, ACTOR, next(tick))
    polls.open_poll(db, poll.id, ACTOR, next(tick))
    keys = poll.options
    # most delegations mark two of the five best-known candidates and João Batista Ferreira:
    # by votes alone five men would sit on the board; parity gives a seat to a woman
    _vote(db, poll.id, delegates, tick, lambda n: {"choices": sorted(
        {keys[n % 5], keys[(n + 1) % 5], keys[6 if n % 3 else 5 + n % 6]})})
    polls.close_poll(db, seal, poll.id, ACTOR, next(tick))


def seed(db: Session, settings: Settings) -> None:
    """Run the past day once (nothing when the assembly exists already)."""
    if db.scalar(select(Assembly.id).where(Assembly.title == TITLE)) is not None:
        return
    i18n.set_language("es")
    seal = sealer(settings)
    tick = _clock()
    assembly = assemblies.create_assembly(db, {
        "title": TITLE, "starts_at": "2025-10-15T08:30:00-05:00",
        "ends_at": "2025-10-15T18:00:00-05:00", "place": "Lima, Perú",
        "weighting": {"scheme": "bands", "bands": [{"min_members": 0, "weight": 1},
                                                   {"min_members": 501, "weight": 2},
                                                   {"min_members": 2001, "weight": 3}]},
        "proxy_limit": 1, "quorum_weight_pct": 50}, ACTOR, next(tick))
    assemblies.change_state(db, assembly.id, "accreditation", ACTOR, next(tick))
    delegates = _accredit(db, settings, assembly, tick)
    assemblies.change_state(db, assembly.id, "in_session", ACTOR, next(tick))
    for title, minutes_long in (("Informe del Consejo Directivo", 30),
                                ("Reforma del artículo 12 del estatuto", 40),
                                ("Elección del Consejo Directivo 2025–2029", 60),
                                ("Varios", 15)):
        agenda.add_item(db, assembly.id, {"title": title, "duration_minutes": minutes_long},
                        ACTOR, next(tick))
    speakers.set_rules(db, assembly.id, {"speech_seconds": 180, "alternation": "gender"},
                       ACTOR, next(tick))
    adoption = agenda.put_to_vote(db, assembly.id, ACTOR, next(tick))
    polls.open_poll(db, adoption.id, ACTOR, next(tick))
    _vote(db, adoption.id, delegates, tick, lambda n: {"choice": "yes"})
    polls.close_poll(db, seal, adoption.id, ACTOR, next(tick))
    report = agenda.advance(db, assembly.id, ACTOR, next(tick))
    if report is not None:
        _debate(db, report.id, delegates, tick)
    agenda.advance(db, assembly.id, ACTOR, next(tick))
    _amendment(db, seal, assembly, delegates, tick)
    agenda.advance(db, assembly.id, ACTOR, next(tick))
    _election(db, seal, assembly, delegates, tick)
    agenda.advance(db, assembly.id, ACTOR, next(tick))
    agenda.advance(db, assembly.id, ACTOR, next(tick))
    assemblies.change_state(db, assembly.id, "closed", ACTOR, next(tick))
    drawn = minutes.draw_up(db, settings, assembly.id, "es", ACTOR, next(tick))
    for officer in ("presidencia", "secretaria"):
        key = signing.generate_private_key()  # in real life: the officer's own key, offline
        minutes.add_cosignature(db, assembly.id, officer,
                                signing.public_key_pem(key.public_key()),
                                signing.sign(key, drawn.statement.encode("utf-8")), ACTOR,
                                next(tick))
