"""Demo polls in the demo assembly: one closed and signed (for auditors), one open (for the
demo delegate, who has not voted in it), one draft election. Created once, reused after."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance import errors
from governance.assemblies import demo as assemblies_demo
from governance.assemblies.models import Delegate
from governance.db import utcnow
from governance.polls import services
from governance.polls.models import Poll
from governance.results import keys
from governance.results.services import sealer
from governance.settings import Settings

ACTOR = "system:demo"


def seed(db: Session, settings: Settings) -> None:
    assembly = assemblies_demo.demo_assembly(db)
    if assembly is None or db.scalar(select(Poll.id).where(Poll.assembly_id == assembly.id)):
        return
    if keys.public_key(settings) is None:
        keys.generate(settings)
    delegates = list(db.scalars(select(Delegate).where(
        Delegate.assembly_id == assembly.id, Delegate.checked_in_at.is_not(None),
        Delegate.revoked_at.is_(None)).order_by(Delegate.id)))

    minutes = services.create_poll(db, assembly.id, {
        "title": "Aprobación del acta de la Asamblea General 2025",
        "method": "yes_no_abstain", "rules": {"majority": "simple"},
    }, ACTOR, utcnow())
    services.open_poll(db, minutes.id, ACTOR, utcnow())
    for number, delegate in enumerate(delegates):
        for paper in services.ballot_papers(db, minutes, delegate.id):
            choice = "no" if number % 7 == 3 else ("abstain" if number % 11 == 5 else "yes")
            try:
                services.cast_ballot(db, minutes.id, delegate_id=delegate.id,
                                     organization_id=paper.organization_id,
                                     payload={"choice": choice}, now=utcnow())
            except errors.DomainError:
                continue  # an organization without a voting right in this poll
    services.close_poll(db, sealer(settings), minutes.id, ACTOR, utcnow())

    motion = services.create_poll(db, assembly.id, {
        "title": "Moción: exigir precios mínimos de comercio justo que cubran los costos de "
                 "producción sostenible",
        "description": "Votación nominal. Puede cambiar su voto hasta el cierre.",
        "method": "yes_no_abstain", "allow_revote": True, "allow_split": True,
        "rules": {"majority": "double", "double_weight_pct": 60, "double_orgs_pct": 50},
    }, ACTOR, utcnow())
    services.open_poll(db, motion.id, ACTOR, utcnow())
    # The printed demo delegate (the first) is left to vote; a few others have voted.
    for delegate in delegates[1:8]:
        try:
            services.cast_ballot(db, motion.id, delegate_id=delegate.id,
                                 payload={"choice": "yes"}, now=utcnow())
        except errors.DomainError:
            continue

    services.create_poll(db, assembly.id, {
        "title": "Elección de dos vocales del Consejo Directivo",
        "method": "multiple", "max_choices": 2, "options": ["o1", "o2", "o3", "o4"],
        "option_labels": {"o1": "Rosa Quispe (Perú)", "o2": "Jean-Baptiste Pierre (Haití)",
                          "o3": "Carmen López (México)", "o4": "Raúl Torres (Colombia)"},
        "secret": True,
    }, ACTOR, utcnow())
