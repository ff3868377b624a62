"""A database for the HTTP benchmarks, built through the app's own services: 1,000 member
organizations, an assembly in session whose every organization has a delegate with a real
credential (Argon2id with the app's `CREDENTIAL_HASHING`), all checked in, the roll frozen,
polls opened, and the assembly's signing key."""

from __future__ import annotations

import math
import random
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text

from bench.common import Context
from governance import migrate
from governance.assemblies import credentials
from governance.assemblies import services as assemblies
from governance.assemblies.models import Delegate
from governance.auth import passwords
from governance.db import Base, Database, utcnow
from governance.organizations import services as registry
from governance.polls import services as polls
from governance.results import keys
from governance.settings import CREDENTIAL_HASHING, PasswordHashing, Settings

ACTOR = "staff:bench"
# Only for the throw-away credentials that the real ones replace at once (see `seed`).
THROWAWAY_HASHING = PasswordHashing(time_cost=1, memory_cost=8, parallelism=1)
COUNTRIES = ("PE", "MX", "CO", "NI", "DO", "BO", "EC", "GT", "HN", "BR", "PY", "CR")


@dataclass(frozen=True)
class Credential:
    identifier: str
    formatted: str
    hashed: str


@dataclass
class Seeded:
    url: str
    data_dir: Path
    assembly_id: int
    credentials: list[str]  # formatted, one per delegate, in delegate order
    polls: list[int]  # open polls, used one after another
    schema_note: str


def real_credentials(ctx: Context, count: int) -> list[Credential]:
    """`count` credentials hashed with the app's real parameters, computed once per run on
    every core (the same `passwords.hash_secret` the app uses), and reused by each database."""
    key = f"credentials:{count}"
    if key not in ctx.shared:
        ctx.log(f"hashing {count:,} credentials with Argon2id {CREDENTIAL_HASHING}")
        identifiers: set[str] = set()
        raws = []
        while len(raws) < count:
            raw = "".join(secrets.choice(credentials.ALPHABET) for _ in range(credentials.LENGTH))
            if raw[:credentials.ID_LENGTH] not in identifiers:
                identifiers.add(raw[:credentials.ID_LENGTH])
                raws.append(raw)
        with ThreadPoolExecutor() as pool:  # argon2-cffi releases the GIL while hashing
            hashes = list(pool.map(
                lambda raw: passwords.hash_secret(CREDENTIAL_HASHING, raw), raws))
        ctx.shared[key] = [Credential(raw[:credentials.ID_LENGTH],
                                      credentials.format_credential(raw), hashed)
                           for raw, hashed in zip(raws, hashes, strict=True)]
    result: list[Credential] = ctx.shared[key]
    return result


def reset_postgres(url: str) -> None:
    database = Database(url)
    with database.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    database.dispose()


def prepare_schema(url: str) -> str:
    """Migrate; then create, from the models, any table no migration makes yet (the polls
    and results tables, until their migration is merged). Returns a note for the report."""
    import governance.app  # noqa: F401 - registers every domain's models in Base.metadata

    migrate.upgrade(url)
    database = Database(url)
    try:
        present = set(inspect(database.engine).get_table_names())
        missing = [table for table in Base.metadata.sorted_tables if table.name not in present]
        if missing:
            Base.metadata.create_all(database.engine, tables=missing)
    finally:
        database.dispose()
    if not missing:
        return ""
    return ("Tables without a migration yet were created from the models: "
            + ", ".join(table.name for table in missing) + ".")


def seed(ctx: Context, url: str, data_dir: Path, *, delegates: int, poll_count: int) -> Seeded:
    """Everything through the services, except that each delegate's credential is then set
    to one of `real_credentials` (as `credentials.set_credential` does for the demo), so the
    slow real hashes are computed once per run rather than once per database."""
    note = prepare_schema(url)
    settings = Settings(database_url=url, data_dir=data_dir, secure_cookies=False,
                        credential_hashing=THROWAWAY_HASHING, checkpoint_seconds=0)
    real = real_credentials(ctx, delegates)
    keys.generate(settings)
    rng = random.Random(8)
    database = Database(url)
    now = utcnow()
    ctx.log(f"seeding {delegates:,} delegates into {database.engine.dialect.name}")
    try:
        with database.transaction() as db:
            assembly = assemblies.create_assembly(db, {
                "title": "Asamblea General Ordinaria 2026", "starts_at": now.isoformat(),
                "weighting": {"scheme": "sqrt"}, "proxy_limit": 2, "quorum_weight_pct": 50,
            }, ACTOR, now)
            assemblies.change_state(db, assembly.id, "accreditation", ACTOR, now)
            assembly_id = assembly.id
        for start in range(0, delegates, 250):
            with database.transaction() as db:
                for number in range(start, min(delegates, start + 250)):
                    organization = registry.create_organization(db, {
                        "name": f"Cooperativa de Pequeños Productores Nº {number + 1}",
                        "country": COUNTRIES[number % len(COUNTRIES)],
                        "members": max(1, int(math.exp(rng.uniform(2, 8))))})
                    issued = assemblies.issue_credential(
                        db, settings, assembly_id, organization.id, f"Delegada {number + 1}",
                        ACTOR, now)
                    delegate = db.get_one(Delegate, issued.delegate_id)
                    delegate.credential_id = real[number].identifier
                    delegate.credential_hash = real[number].hashed
                    db.flush()
                    assemblies.check_in(db, assembly_id, issued.delegate_id, ACTOR, now)
        with database.transaction() as db:
            assemblies.freeze_roll(db, assembly_id, ACTOR, now)
            assemblies.change_state(db, assembly_id, "in_session", ACTOR, now)
        poll_ids = []
        for number in range(poll_count):
            with database.transaction() as db:
                poll = polls.create_poll(db, assembly_id, {
                    "title": f"Moción GA-2026-{number + 1:02d}", "method": "yes_no_abstain"},
                    ACTOR, now)
                polls.open_poll(db, poll.id, ACTOR, now)
                poll_ids.append(poll.id)
    finally:
        database.dispose()
    return Seeded(url, data_dir, assembly_id, [c.formatted for c in real], poll_ids, note)
