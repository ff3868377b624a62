"""Delegate credentials: their format, issuing, re-issuing, revoking, and logging in with one.

A credential reads `K7QF-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX`: a public identifier (the first group)
and a secret of six groups. Characters come from an alphabet without look-alikes (no 0/O,
1/I/L), so it can be read aloud and typed on a phone; 24 secret characters from `secrets`
carry 24 × log2(31) ≈ 119 bits. Login finds the row by the identifier and verifies one Argon2id
hash; it never scans hashes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from governance import errors
from governance.assemblies.models import Delegate
from governance.auth import passwords, throttle
from governance.auth import services as auth
from governance.auth.models import LoginSession
from governance.auth.roles import Principal
from governance.settings import Settings

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUP = 4
ID_LENGTH = GROUP
SECRET_GROUPS = 6
LENGTH = ID_LENGTH + GROUP * SECRET_GROUPS


@dataclass(frozen=True)
class IssuedCredential:
    """A credential as it leaves the server, once: never stored in this form."""

    delegate_id: int
    assembly_id: int
    organization_id: int
    name: str
    credential_id: str
    credential: str


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def format_credential(raw: str) -> str:
    """Groups of four joined by dashes: `K7QF-XXXX-…`."""
    return "-".join(raw[i:i + GROUP] for i in range(0, len(raw), GROUP))


def normalize(typed: str) -> str | None:
    """The credential as typed (any case, with or without dashes and spaces), or None when it
    cannot be one."""
    cleaned = "".join(ch for ch in typed.upper() if ch not in " -_.\t\r\n\u00a0")
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def normalize_identifier(typed: str) -> str | None:
    cleaned = "".join(ch for ch in typed.upper() if ch not in " -")
    if len(cleaned) < ID_LENGTH or any(ch not in ALPHABET for ch in cleaned[:ID_LENGTH]):
        return None
    return cleaned[:ID_LENGTH]


def _new_identifier(db: Session) -> str:
    # 31^4 ≈ 920,000 identifiers; over the years a collision is possible, so draw again.
    for _ in range(50):
        candidate = _random(ID_LENGTH)
        if db.scalar(select(Delegate.id).where(Delegate.credential_id == candidate)) is None:
            return candidate
    raise errors.Conflict("No free credential identifier was found. Try again.")


def new_credential(db: Session, settings: Settings) -> tuple[str, str, str]:
    """(identifier, formatted credential, its hash) for a fresh credential."""
    identifier = _new_identifier(db)
    raw = identifier + _random(GROUP * SECRET_GROUPS)
    return identifier, format_credential(raw), passwords.hash_secret(settings.credential_hashing,
                                                                     raw)


def set_credential(db: Session, settings: Settings, delegate: Delegate, raw: str) -> str:
    """Give `delegate` this exact credential (normalized); returns it formatted. Used by the demo,
    whose printed credentials must survive a restart."""
    normalized = normalize(raw)
    if normalized is None:
        raise errors.InvalidInput("This is not a credential.", field="credential")
    delegate.credential_id = normalized[:ID_LENGTH]
    delegate.credential_hash = passwords.hash_secret(settings.credential_hashing, normalized)
    return format_credential(normalized)


def end_sessions(db: Session, delegate_id: int) -> None:
    db.execute(delete(LoginSession).where(LoginSession.delegate_id == delegate_id))


def replace_credential(db: Session, settings: Settings, delegate: Delegate, now: datetime,
                       actor: str) -> str:
    """A new identifier and secret for `delegate`: the old credential and its sessions end."""
    identifier, credential, hashed = new_credential(db, settings)
    delegate.credential_id, delegate.credential_hash = identifier, hashed
    delegate.issued_at, delegate.issued_by = now, actor
    end_sessions(db, delegate.id)
    db.flush()
    return credential


# --- logging in -----------------------------------------------------------------------------


def throttle_account(db: Session, typed: str) -> str:
    """What failures are counted against: `credential:<identifier>` when the typed identifier
    belongs to a credential, else `credential?:<what was typed as one>` (see auth.throttle:
    only those count against the client's address)."""
    identifier = normalize_identifier(typed)
    if identifier is not None and db.scalar(select(Delegate.id).where(
            Delegate.credential_id == identifier, Delegate.revoked_at.is_(None))) is not None:
        return "credential:" + identifier
    return throttle.UNKNOWN_IDENTIFIER + (identifier or "")


def bad_credential() -> errors.NotAuthenticated:
    return errors.NotAuthenticated(
        "This credential is not right, or it has been revoked. Check each character, "
        "or ask the credentials committee.", code="bad_credential")


@dataclass(frozen=True)
class LoginCandidate:
    """What a login attempt found before the hash is checked: the normalized credential, the
    throttling account, and the row its identifier names (or the dummy hash, if none)."""

    normalized: str
    account: str
    delegate_id: int | None
    stored_hash: str


def find_credential(db: Session, settings: Settings, typed: str, client: str,
                    now: datetime) -> LoginCandidate:
    """Step 1 of a login, reading only: throttling, the credential's form, and the one row
    its identifier names. Raises RateLimited, or NotAuthenticated for a malformed credential."""
    account = throttle_account(db, typed)
    throttle.check_credential(db, account, client, now)
    normalized = normalize(typed)
    if normalized is None:
        raise errors.NotAuthenticated(
            "A credential has 7 groups of 4 letters and digits, like K7QF-M3XP-…. "
            "Check that you typed all of it.", code="malformed_credential")
    delegate = db.scalar(select(Delegate).where(Delegate.credential_id == normalized[:ID_LENGTH]))
    if delegate is not None and delegate.revoked_at is None:
        return LoginCandidate(normalized, account, delegate.id, delegate.credential_hash)
    return LoginCandidate(normalized, account, None, passwords.dummy_hash(
        settings.credential_hashing))


def credential_matches(settings: Settings, candidate: LoginCandidate) -> bool:
    """Step 2: the Argon2id check, run outside any transaction. It takes tens of milliseconds
    of CPU by design; inside a write transaction it would hold SQLite's write lock all that
    time, so that logins at the opening of an assembly queued behind each other and ballots
    behind them. One hash is verified whether or not the identifier exists."""
    return passwords.verify_secret(settings.credential_hashing, candidate.stored_hash,
                                   candidate.normalized)


def open_delegate_session(db: Session, settings: Settings, candidate: LoginCandidate,
                          client: str, now: datetime) -> tuple[str, Delegate]:
    """Step 3, writing, after `credential_matches` said yes: the row must still hold the hash
    that was verified and still be active (a credential re-issued or revoked meanwhile does
    not log in); the success is recorded and a session starts."""
    delegate = db.get(Delegate, candidate.delegate_id) if candidate.delegate_id else None
    if (delegate is None or delegate.revoked_at is not None
            or delegate.credential_hash != candidate.stored_hash):
        raise bad_credential()
    auth.record_attempt(db, "credential", candidate.account, client, True, now)
    return auth.start_session(db, settings, now, delegate_id=delegate.id), delegate


def login_delegate(db: Session, settings: Settings, typed: str, client: str,
                   now: datetime) -> tuple[str, Delegate]:
    """A session for the delegate whose credential this is; raises NotAuthenticated (recorded
    by the caller with `record_failure`, since this transaction rolls back) or RateLimited.
    The three steps in one session; the web login runs them in separate transactions."""
    candidate = find_credential(db, settings, typed, client, now)
    if not credential_matches(settings, candidate):
        raise bad_credential()
    return open_delegate_session(db, settings, candidate, client, now)


def record_failure(db: Session, typed: str, client: str, now: datetime,
                   limited: bool = False) -> None:
    """Log a failed (or, with `limited`, a throttled) credential login; the secret part of
    what was typed is never stored."""
    auth.record_attempt(db, "credential", throttle_account(db, typed), client, False, now,
                        limited)


def check_in_target(db: Session, typed: str) -> tuple[int, str] | None:
    """(assembly id, identifier) of the active credential whose identifier this is."""
    identifier = normalize_identifier(typed)
    if identifier is None:
        return None
    row = db.execute(select(Delegate.assembly_id, Delegate.credential_id).where(
        Delegate.credential_id == identifier, Delegate.revoked_at.is_(None))).first()
    return (row[0], row[1]) if row else None


# --- sessions -------------------------------------------------------------------------------


def _delegate_principal(db: Session, row: LoginSession) -> Principal | None:
    """A delegate's session counts only while the credential is not revoked: revocation ends it
    at once, on every worker, even before its rows are deleted."""
    if row.delegate_id is None:
        return None
    delegate = db.get(Delegate, row.delegate_id)
    if delegate is None or delegate.revoked_at is not None:
        return None
    return Principal("delegate", "delegate", delegate.name, row.id,
                          delegate_id=delegate.id)


if _delegate_principal not in auth.PRINCIPAL_RESOLVERS:
    auth.PRINCIPAL_RESOLVERS.append(_delegate_principal)
