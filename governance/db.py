"""The database: engine, transactions, and the declarative base every model shares.

SQLite by default (WAL, foreign keys on, synchronous FULL so an acknowledged ballot survives a
power cut), PostgreSQL by URL. Write transactions on SQLite start with BEGIN IMMEDIATE so two
writers queue on the lock instead of failing half-way with "database is locked".
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Times are stored in UTC and come back timezone-aware, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def normalize_url(url: str) -> str:
    """Accept `postgresql://` and `postgres://` as psycopg 3 URLs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    # At most 10 connections per process, waiting for a free one beyond that: with
    # `asamblea serve --workers 4` the old 10 + 20 allowed 120, more than PostgreSQL's
    # default max_connections (100), and a burst of ballots failed with "too many clients"
    # (measured by bench/). One process runs one thread of Python at a time, so more
    # connections would only queue inside the database instead.
    return create_engine(url, pool_size=5, max_overflow=5, pool_timeout=30, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred-only).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get("asamblea_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class Database:
    """One engine and two ways in: a read transaction and a write transaction."""

    def __init__(self, url: str) -> None:
        self.url = normalize_url(url)
        self.engine = make_engine(self.url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._writers = threading.RLock()
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(
            self.engine.execution_options(asamblea_write=True), expire_on_commit=False
        )

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Session]:
        """A session in one transaction: committed when the block ends, rolled back on error."""
        factory = self._writer if write else self._reader
        with self._write_turn(write), factory() as session, session.begin():
            yield session

    @contextmanager
    def _write_turn(self, write: bool) -> Iterator[None]:
        """On SQLite, this process's writers take turns on a lock before BEGIN IMMEDIATE.

        SQLite admits one writer at a time anyway; without this, the others wait in its busy
        handler, which polls with sleeps of up to 100 ms, so under load writers woke late
        (or starved past the busy timeout) while the write lock sat free. A lock wakes the
        next writer as soon as the previous one commits. Re-entrant, so a nested write
        transaction behaves as before. Other processes still meet the busy handler.
        """
        if not (write and self.is_sqlite):
            yield
            return
        with self._writers:
            yield

    def dispose(self) -> None:
        self.engine.dispose()
