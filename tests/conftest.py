"""Shared fixtures: a database migrated by Alembic (SQLite, or PostgreSQL when
ASAMBLEA_TEST_DATABASE_URL is set), emptied after each test, and an app built on it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from governance import migrate
from governance.app import create_app
from governance.db import Base, Database
from governance.settings import PasswordHashing, Settings

# Argon2id at its smallest cost: tests check behaviour, benchmarks measure the real cost.
FAST_HASHING = PasswordHashing(time_cost=1, memory_cost=8, parallelism=1)

TEST_DATABASE_URL = os.environ.get("ASAMBLEA_TEST_DATABASE_URL", "")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if TEST_DATABASE_URL:
        url = TEST_DATABASE_URL
        wipe = Database(url)
        with wipe.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        wipe.dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    migrate.upgrade(url)
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        secure_cookies=False,
        password_hashing=FAST_HASHING,
        credential_hashing=FAST_HASHING,
        checkpoint_seconds=0,  # tests write checkpoints themselves
    )


def _empty(database: Database) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with database.engine.begin() as connection:
        if database.is_sqlite:
            for name in tables:
                connection.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608 - our own names
        else:
            joined = ", ".join(f'"{name}"' for name in tables)
            connection.execute(text(f"TRUNCATE {joined} RESTART IDENTITY CASCADE"))


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    database = Database(settings.database_url)
    yield database
    _empty(database)
    database.dispose()


@pytest.fixture
def app(settings: Settings, database: Database):  # type: ignore[no-untyped-def]
    return create_app(settings)


@pytest.fixture
def make_app(database: Database):  # type: ignore[no-untyped-def]
    """More apps on the test database (other settings, or a second "worker"); their
    connection pools are closed after the test."""
    made = []

    def build(app_settings: Settings):  # type: ignore[no-untyped-def]
        made.append(create_app(app_settings))
        return made[-1]

    yield build
    for built in made:
        built.state.database.dispose()


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as test_client:
        yield test_client
