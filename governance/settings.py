"""Every setting, read from the environment in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


class SettingsError(ValueError):
    """A setting in the environment cannot be used."""


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class PasswordHashing:
    """Argon2id cost. The default is argon2-cffi's RFC 9106 low-memory profile."""

    time_cost: int = 3
    memory_cost: int = 65536  # KiB
    parallelism: int = 4


# Credentials carry over 100 bits of randomness, so their hash only has to be slow enough to
# stop an offline attack on a stolen table; OWASP's minimum for Argon2id (19 MiB, t=2, p=1)
# keeps 1,500 delegates logging in at the opening of an assembly within reach of one machine.
CREDENTIAL_HASHING = PasswordHashing(time_cost=2, memory_cost=19456, parallelism=1)


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///asamblea.db"
    data_dir: Path = Path("data")
    # Cookies marked Secure and named __Host-: on by default, off for the local demo over http.
    secure_cookies: bool = True
    session_idle_minutes: int = 120
    session_absolute_hours: int = 24
    password_hashing: PasswordHashing = field(default_factory=PasswordHashing)
    credential_hashing: PasswordHashing = CREDENTIAL_HASHING
    default_locale: str = "es"
    # Names this installation in checkpoints ("<instance>/poll/<id>") and signed notes.
    instance_name: str = "asamblea"
    # Seconds between signed checkpoints of open polls; 0 turns the rhythm off (tests).
    checkpoint_seconds: int = 30
    demo: bool = False
    # One line per request on standard error, written in batches (governance/web/access_log.py).
    access_log: bool = True
    # Fault injection for the crash test only: the ballot writer waits this long inside each
    # batch's transaction, before committing, and says so in the log.
    test_writer_pause_ms: int = 0

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "database_url": os.environ.get("ASAMBLEA_DATABASE_URL") or "sqlite:///asamblea.db",
            "data_dir": Path(os.environ.get("ASAMBLEA_DATA_DIR") or "data"),
            "secure_cookies": _bool("ASAMBLEA_SECURE_COOKIES", True),
            "session_idle_minutes": _int("ASAMBLEA_SESSION_IDLE_MINUTES", 120),
            "session_absolute_hours": _int("ASAMBLEA_SESSION_ABSOLUTE_HOURS", 24),
            "instance_name": os.environ.get("ASAMBLEA_INSTANCE") or "asamblea",
            "checkpoint_seconds": _int("ASAMBLEA_CHECKPOINT_SECONDS", 30),
            "access_log": _bool("ASAMBLEA_ACCESS_LOG", True),
            "test_writer_pause_ms": _int("ASAMBLEA_TEST_WRITER_PAUSE_MS", 0),
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
