"""The demo assembly: in session, with delegates (most checked in), a few proxies, a frozen roll
and a PDF of credential sheets. Created once, reused after.

Demo credentials are derived from a fixed seed so that they can be printed again at every
start; real credentials always come from `secrets`.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance import i18n
from governance.assemblies import credentials, services, sheets
from governance.assemblies.models import Assembly, Delegate
from governance.db import utcnow
from governance.organizations.models import Organization
from governance.settings import Settings

TITLE = "Asamblea General Ordinaria 2026"
ACTOR = "system:demo"
BASE_URL = "http://127.0.0.1:8000"
SHEETS_FILE = "demo-credential-sheets.pdf"
FIRST_NAMES = ["María", "José", "Rosa", "Juan", "Carmen", "Luis", "Ana", "Pedro", "Lucía",
               "Carlos", "Elena", "Jorge", "Teresa", "Miguel", "Julia", "Raúl", "Sofía"]
LAST_NAMES = ["Quispe", "Mamani", "Hernández", "López", "Pérez", "Castillo", "Flores",
              "Rojas", "Jean-Baptiste", "Gómez", "Vargas", "Ramírez", "Torres"]
PROXY_GIVERS = 4  # the last organizations in good standing give their vote by proxy
ABSENT = 3  # delegates not checked in yet


def demo_credential(n: int) -> str:
    digest = hashlib.sha256(f"asamblea-demo-delegate-{n}".encode()).digest()
    alphabet = credentials.ALPHABET
    return "".join(alphabet[b % len(alphabet)] for b in digest[:credentials.LENGTH])


def demo_assembly(db: Session) -> Assembly | None:
    return db.scalar(select(Assembly).where(Assembly.title == TITLE))


def _create(db: Session, settings: Settings) -> Assembly:
    tz = ZoneInfo("America/Lima")
    today = utcnow().astimezone(tz).date()
    assembly = services.create_assembly(db, {
        "title": TITLE, "kind": "ordinary", "place": "Lima, Perú", "timezone": "America/Lima",
        "starts_at": datetime.combine(today, time(9, 0), tz),
        "ends_at": datetime.combine(today, time(18, 0), tz),
        "weighting": {"scheme": "bands", "bands": [{"min_members": 0, "weight": 1},
                                                   {"min_members": 501, "weight": 2},
                                                   {"min_members": 2001, "weight": 3}]},
        "proxy_limit": 2, "quorum_weight_pct": 50, "quorum_orgs_pct": 50, "quorum_mode": "and",
        "self_check_in": True, "poll_defaults": {},
    }, ACTOR, utcnow())
    services.change_state(db, assembly.id, "accreditation", ACTOR, utcnow())
    active = list(db.scalars(select(Organization).where(Organization.standing == "active")
                             .order_by(Organization.id)))
    accredited, givers = active[:-PROXY_GIVERS], active[-PROXY_GIVERS:]
    delegates = []
    for n, organization in enumerate(accredited):
        name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[(n * 7) % len(LAST_NAMES)]}"
        issued = services.issue_credential(db, settings, assembly.id, organization.id, name,
                                           ACTOR, utcnow())
        delegate = services.get_delegate(db, assembly.id, issued.delegate_id)
        credentials.set_credential(db, settings, delegate, demo_credential(n))
        delegate.sheet_printed_at = utcnow()
        delegates.append(delegate)
    db.flush()
    holders = [delegates[1], delegates[1], delegates[2], delegates[3]]
    for giver, holder in zip(givers, holders, strict=True):
        services.grant_proxy(db, settings, assembly.id, giver.id, holder.id, ACTOR, utcnow())
    services.change_state(db, assembly.id, "in_session", ACTOR, utcnow())
    for delegate in delegates[:-ABSENT]:
        services.check_in(db, assembly.id, delegate.id, ACTOR, utcnow())
    services.freeze_roll(db, assembly.id, ACTOR, utcnow())
    return assembly


def _write_sheets(db: Session, settings: Settings, assembly: Assembly) -> str:
    rows = services.list_delegates(db, assembly.id, status="active", page_size=10_000).rows
    number = {demo_credential(n)[:credentials.ID_LENGTH]: n for n in range(len(rows) + 10)}
    entries = []
    for row in rows:
        n = number.get(row.delegate.credential_id)
        if n is None:  # re-issued in the demo since: its credential is no longer known
            continue
        entries.append(sheets.Sheet(
            row.delegate.name, row.organization_name,
            credentials.format_credential(demo_credential(n)),
            f"{BASE_URL}/login?cred={row.delegate.credential_id}"))
    path = settings.data_dir / SHEETS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(sheets.render_sheets(
        entries, assembly_title=assembly.title, assembly_when=i18n.format_datetime(
            assembly.starts_at, assembly.timezone, "long"), place=assembly.place,
        signing_key_fingerprint=sheets.signing_key_fingerprint(settings, assembly.id)))
    return str(path)


def seed(db: Session, settings: Settings) -> list[str]:
    """Create the demo assembly if missing; return the lines to print (a delegate's login)."""
    assembly = demo_assembly(db) or _create(db, settings)
    first = db.scalar(select(Delegate).where(Delegate.assembly_id == assembly.id)
                      .order_by(Delegate.id))
    lines = []
    if first is not None:
        credential = credentials.format_credential(demo_credential(0))
        if first.credential_id == credential[:4] and first.revoked_at is None:
            lines.append(f"{'delegate':<10} {credential}  ({first.name}; "
                         f"{BASE_URL}/login?cred={first.credential_id})")
    lines.append(f"{'sheets':<10} {_write_sheets(db, settings, assembly)}")
    return lines
