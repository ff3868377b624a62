"""Demo: a few current motions of the demo assembly (invented, and marked as such), in several
stages of their workflow, next to the historical positions the archive demo loads."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.db import utcnow
from governance.motions import content, services
from governance.motions.models import Motion
from governance.organizations.models import Organization
from governance.settings import Settings

ACTOR = "staff:junta"
# Not linked by a foreign key: the assemblies table is built on another branch.
ASSEMBLY = "XI Asamblea General (demostración)"


def seed(db: Session, settings: Settings) -> None:
    if db.scalar(select(Motion.id).where(Motion.code == "GA-2026-01")) is not None:
        return
    now = utcnow()
    budget = services.create_motion(db, {
        "code": "GA-2026-01", "kind": "resolution", "language": "es",
        "title": "Informe financiero 2025 y presupuesto 2026 (demostración)",
        "body": "La Junta Directiva presenta a la Asamblea el informe financiero de 2025 y el "
                "presupuesto de 2026.\n\n- Ingresos por cuotas de membresía\n- Proyectos de "
                "cooperación\n\n_Texto de demostración._",
        "tags": ["finanzas", "presupuesto"], "assembly_name": ASSEMBLY,
        "amendment_deadline": now + timedelta(days=14),
    }, ACTOR)
    content.set_text(db, budget.id, "en", "Financial report 2025 and budget 2026 (demo)",
                     "The Board presents the 2025 financial report and the 2026 budget to the "
                     "Assembly.\n\n_Demo text._", ACTOR)
    services.publish_motion(db, budget.id, ACTOR)
    proposer = db.scalar(select(Organization).order_by(Organization.id))
    if proposer is not None:
        services.amend_motion(db, budget.id, {
            "title": "Reservar un fondo para emergencias climáticas (demostración)",
            "body": "Propone destinar una parte del presupuesto a un fondo de emergencias "
                    "climáticas para las organizaciones afectadas.\n\n_Texto de demostración._",
            "submitter_organization_id": proposer.id,
        }, ACTOR)

    statutes = services.create_motion(db, {
        "code": "GA-2026-02", "kind": "statute_amendment", "language": "es",
        "title": "Representación de la Red de Trabajadores en la Junta (demostración)",
        "body": "Propuesta de reforma estatutaria para precisar cómo se elige a la persona que "
                "representa a la Red de Trabajadores en la Junta Directiva.\n\n"
                "_Texto de demostración._",
        "tags": ["estatutos"], "assembly_name": ASSEMBLY,
    }, ACTOR)
    services.publish_motion(db, statutes.id, ACTOR)
    services.move_motion(db, statutes.id, "on_agenda", ACTOR, assembly_name=ASSEMBLY)

    services.create_motion(db, {
        "code": "GA-2026-03", "kind": "position", "language": "es",
        "title": "Posición sobre los precios mínimos del café (borrador de demostración)",
        "body": "Borrador en preparación por la Junta.\n\n_Texto de demostración._",
        "tags": ["café", "precios"], "assembly_name": ASSEMBLY,
    }, ACTOR)
