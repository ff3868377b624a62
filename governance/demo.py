"""`asamblea demo`: a small, believable network to explore, created once and then reused.

The organizations are invented; the shapes (countries, platforms, networks, sizes) follow a Latin
American and Caribbean fair-trade network. Each domain adds its part in `prepare`.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance import migrate
from governance.archive import demo as archive_demo
from governance.assemblies import demo as assemblies_demo
from governance.auth import services as auth
from governance.auth.models import StaffUser
from governance.db import Database
from governance.minutes import demo as minutes_demo
from governance.motions import demo as motions_demo
from governance.organizations import services as registry
from governance.organizations.models import Organization
from governance.polls import demo as polls_demo
from governance.results import keys
from governance.settings import Settings

STAFF = {
    "secretaria": ("admin", "demo-secretaria"),
    "junta": ("board", "demo-junta-2026"),
    "comite": ("committee", "demo-comite-2026"),
    "auditora": ("auditor", "demo-auditora-2026"),
}

# (name, country, platform, networks, members, kind, standing)
ORGANIZATIONS: list[tuple[str, str, str, str, int, str, str]] = [
    ("Cooperativa Cafetalera Flor de Altura", "PE", "CNC Perú", "Café", 1240, "small_producer", "active"),
    ("Asociación de Productores Valle del Inambari", "PE", "CNC Perú", "Café;Cacao", 310, "small_producer", "active"),
    ("Central de Cooperativas Andinas del Sur", "PE", "CNC Perú", "Café", 5120, "small_producer", "active"),
    ("Cooperativa Agraria Cacao Amazónico", "PE", "CNC Perú", "Cacao", 640, "small_producer", "arrears"),
    ("Asociación de Bananeros del Chira", "PE", "CNC Perú", "Banano", 420, "small_producer", "active"),
    ("Federación Campesina del Cauca", "CO", "Plataforma Colombia", "Café", 3900, "small_producer", "active"),
    ("Cooperativa Multiactiva Sierra Nevada", "CO", "Plataforma Colombia", "Café;Cacao", 780, "small_producer", "active"),
    ("Asociación Bananera del Magdalena", "CO", "Plataforma Colombia", "Banano", 95, "small_producer", "active"),
    ("Sindicato de Trabajadores Bananeros de Urabá", "CO", "Plataforma Colombia", "Banano;Trabajadores", 1500, "workers", "active"),
    ("Cooperativa Apícola Los Nevados", "CO", "Plataforma Colombia", "Miel", 48, "small_producer", "suspended"),
    ("Unión de Cooperativas Cafetaleras de Chiapas", "MX", "Coordinadora México", "Café", 2650, "small_producer", "active"),
    ("Sociedad Cooperativa Miel de la Península", "MX", "Coordinadora México", "Miel", 870, "small_producer", "active"),
    ("Productores Indígenas de la Sierra Madre", "MX", "Coordinadora México", "Café;Miel", 1320, "small_producer", "active"),
    ("Cooperativa Cacaotera de Tabasco", "MX", "Coordinadora México", "Cacao", 150, "small_producer", "active"),
    ("Cooperativa Regional de Cafés Especiales Nebaj", "GT", "Plataforma Guatemala", "Café", 980, "small_producer", "active"),
    ("Asociación de Pequeños Productores de Huehuetenango", "GT", "Plataforma Guatemala", "Café", 430, "small_producer", "active"),
    ("Cooperativa de Azúcar Justo de Escuintla", "GT", "Plataforma Guatemala", "Azúcar", 60, "small_producer", "arrears"),
    ("Cooperativa Mixta Lenca de Intibucá", "HN", "Plataforma Honduras", "Café", 760, "small_producer", "active"),
    ("Central de Cooperativas Cafetaleras de Honduras", "HN", "Plataforma Honduras", "Café", 2210, "small_producer", "active"),
    ("Cooperativa de Mujeres Apicultoras de Olancho", "HN", "Plataforma Honduras", "Miel", 35, "small_producer", "active"),
    ("Unión de Cooperativas del Norte de Nicaragua", "NI", "Plataforma Nicaragua", "Café;Miel", 2980, "small_producer", "active"),
    ("Cooperativa de Ajonjolí del Pacífico", "NI", "Plataforma Nicaragua", "Ajonjolí", 510, "small_producer", "active"),
    ("Asociación de Productores de Café de Altura de El Salvador", "SV", "Plataforma El Salvador", "Café", 290, "small_producer", "active"),
    ("Cooperativa Cañera de Guanacaste", "CR", "Plataforma Costa Rica", "Azúcar", 410, "small_producer", "active"),
    ("Consorcio de Cooperativas Cafetaleras de Costa Rica", "CR", "Plataforma Costa Rica", "Café", 4100, "small_producer", "active"),
    ("Asociación de Bananeros de Valverde", "DO", "Plataforma República Dominicana", "Banano", 330, "small_producer", "active"),
    ("Cooperativa Cacaotera del Cibao", "DO", "Plataforma República Dominicana", "Cacao", 6200, "small_producer", "active"),
    ("Sindicato de Trabajadores de Plantaciones de Montecristi", "DO", "Plataforma República Dominicana", "Banano;Trabajadores", 220, "workers", "active"),
    ("Coopérative des Planteurs de Café de Baptiste", "HT", "Plateforme Haïti", "Café", 1800, "small_producer", "active"),
    ("Coopérative de Mangues du Plateau Central", "HT", "Plateforme Haïti", "Mango", 540, "small_producer", "arrears"),
    ("Windward Islands Banana Farmers", "VC", "Windward Islands", "Banano", 700, "small_producer", "active"),
    ("Cooperativa Agropecuaria Yungas de Bolivia", "BO", "Plataforma Bolivia", "Café;Cacao", 1150, "small_producer", "active"),
    ("Asociación de Productores de Quinua del Altiplano", "BO", "Plataforma Bolivia", "Quinua", 2400, "small_producer", "active"),
    ("Federación de Cooperativas Cafetaleras del Ecuador", "EC", "Plataforma Ecuador", "Café", 1700, "small_producer", "active"),
    ("Asociación Bananera El Guabo", "EC", "Plataforma Ecuador", "Banano", 460, "small_producer", "active"),
    ("Cooperativa de Cacao Nacional de Esmeraldas", "EC", "Plataforma Ecuador", "Cacao", 0, "small_producer", "active"),
    ("Cooperativa Apícola del Sur de Brasil", "BR", "Plataforma Brasil", "Miel", 390, "small_producer", "active"),
    ("Cooperativa de Cafeicultores do Cerrado", "BR", "Plataforma Brasil", "Café", 1250, "small_producer", "active"),
    ("Cooperativa Azucarera de Paraguarí", "PY", "Plataforma Paraguay", "Azúcar", 1030, "small_producer", "active"),
    ("Cooperativa Vitivinícola de Mendoza", "AR", "Plataforma Cono Sur", "Vino", 120, "small_producer", "active"),
    ("Cooperativa de Miel del Uruguay", "UY", "Plataforma Cono Sur", "Miel", 85, "small_producer", "active"),
    ("Cooperativa Frutícola de Curicó", "CL", "Plataforma Cono Sur", "Frutas", 210, "small_producer", "active"),
]


def seed_staff(db: Session, settings: Settings) -> None:
    for username, (role, password) in STAFF.items():
        if db.scalar(select(StaffUser.id).where(StaffUser.username == username)) is None:
            auth.create_staff_user(db, settings, username, role, password)


def seed_registry(db: Session) -> None:
    if db.scalar(select(func.count()).select_from(Organization)):
        return
    for name, country, platform, networks, members, kind, standing in ORGANIZATIONS:
        registry.create_organization(db, {
            "name": name, "country": country, "platform": platform,
            "networks": networks.split(";"), "members": members, "kind": kind,
            "standing": standing,
        })


def prepare(settings: Settings) -> list[str]:
    """Migrate, seed what is missing, and return the login lines to print."""
    migrate.upgrade(settings.database_url)
    database = Database(settings.database_url)
    try:
        with database.transaction() as db:
            seed_staff(db, settings)
            seed_registry(db)
            if keys.public_key(settings) is None:
                keys.generate(settings)  # first, so the credential sheets print its fingerprint
            delegate_lines = assemblies_demo.seed(db, settings)
            polls_demo.seed(db, settings)
            archive_demo.seed(db, settings)
            motions_demo.seed(db, settings)
            minutes_demo.seed(db, settings)
    finally:
        database.dispose()
    public = keys.public_key(settings)
    fingerprint = [f"{'key':<10} signing key SHA-256 {public.fingerprint}"] if public else []
    return [f"{role:<10} {username} / {password}"
            for username, (role, password) in STAFF.items()] + delegate_lines + fingerprint
