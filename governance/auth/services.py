"""Staff accounts, sessions and login throttling. Every function takes the session it works in."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from governance import errors
from governance.auth import passwords
from governance.auth.models import STAFF_ROLES, AuthAttempt, LoginSession, StaffUser
from governance.settings import Settings

USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,80}$")

# Throttling: at most this many failures in the window, per account and per client address.
# The window is short so that an attacker can slow a real person down but never lock them out.
WINDOW = timedelta(minutes=10)
MAX_FAILURES_PER_ACCOUNT = 10
MAX_FAILURES_PER_CLIENT = 50
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class Principal:
    """Whoever a request acts for."""

    kind: str  # staff | delegate
    role: str  # admin, board, committee, auditor, or delegate
    name: str
    session_id: int
    staff_user_id: int | None = None
    delegate_id: int | None = None

    def has_role(self, *roles: str) -> bool:
        # The secretariat (admin) may do whatever any staff role may do.
        return self.role in roles or (self.kind == "staff" and self.role == "admin")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


# --- staff accounts -------------------------------------------------------------------------


def create_staff_user(
    db: Session, settings: Settings, username: str, role: str, password: str
) -> StaffUser:
    if not USERNAME.match(username):
        raise errors.InvalidInput(
            "A username has 2 to 80 letters, digits or . _ @ -.", field="username"
        )
    if role not in STAFF_ROLES:
        raise errors.InvalidInput(
            "Unknown role %(role)s; use one of %(roles)s.", field="role",
            role=role, roles=", ".join(STAFF_ROLES),
        )
    if len(password) < 10:
        raise errors.InvalidInput("A password has at least 10 characters.", field="password")
    if db.scalar(select(StaffUser.id).where(StaffUser.username == username)) is not None:
        raise errors.Conflict("The username %(username)s is taken.", username=username)
    user = StaffUser(
        username=username,
        role=role,
        password_hash=passwords.hash_secret(settings.password_hashing, password),
    )
    db.add(user)
    db.flush()
    return user


# --- throttling -----------------------------------------------------------------------------


def check_throttle(db: Session, account: str, client: str, now: datetime) -> None:
    since = now - WINDOW
    failures = select(func.count()).where(AuthAttempt.at >= since, AuthAttempt.success.is_(False))
    by_account = db.scalar(failures.where(AuthAttempt.account == account)) or 0
    by_client = db.scalar(failures.where(AuthAttempt.client == client)) or 0
    if by_account >= MAX_FAILURES_PER_ACCOUNT or by_client >= MAX_FAILURES_PER_CLIENT:
        raise errors.RateLimited(
            "Too many failed attempts. Wait %(minutes)s minutes and try again, "
            "or ask the secretariat for help.",
            retry_after=int(WINDOW.total_seconds()),
            minutes=int(WINDOW.total_seconds() // 60),
        )


def record_attempt(
    db: Session, kind: str, account: str, client: str, success: bool, now: datetime
) -> None:
    db.add(AuthAttempt(kind=kind, account=account[:120], client=client[:64],
                       success=success, at=now))


# --- sessions -------------------------------------------------------------------------------


def start_session(
    db: Session,
    settings: Settings,
    now: datetime,
    *,
    staff_user_id: int | None = None,
    **owner: int,
) -> str:
    """A new session with a fresh random token (never reused across logins); returns the token."""
    token = new_token()
    db.add(
        LoginSession(
            token_hash=token_hash(token),
            staff_user_id=staff_user_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_absolute_hours),
            **owner,
        )
    )
    db.flush()
    return token


def login_staff(
    db: Session, settings: Settings, username: str, password: str, client: str, now: datetime
) -> tuple[str, StaffUser]:
    account = "user:" + username.lower()
    check_throttle(db, account, client, now)
    user = db.scalar(select(StaffUser).where(StaffUser.username == username))
    stored = user.password_hash if user and user.active else passwords.dummy_hash(
        settings.password_hashing
    )
    good = passwords.verify_secret(settings.password_hashing, stored, password)
    record_attempt(db, "password", account, client, good and user is not None, now)
    if not good or user is None or not user.active:
        raise errors.NotAuthenticated(
            "The username or password is not right.", code="bad_login"
        )
    return start_session(db, settings, now, staff_user_id=user.id), user


# Resolvers turn a live session row into a Principal; issue-specific kinds (delegates) add theirs.
def _staff_principal(db: Session, row: LoginSession) -> Principal | None:
    if row.staff_user_id is None:
        return None
    user = db.get(StaffUser, row.staff_user_id)
    if user is None or not user.active:
        return None
    return Principal("staff", user.role, user.username, row.id, staff_user_id=user.id)


PRINCIPAL_RESOLVERS = [_staff_principal]


def resolve(db: Session, settings: Settings, token: str, now: datetime) -> Principal | None:
    """The principal of a live session, or None when it ended, idled out or never existed."""
    row = db.scalar(select(LoginSession).where(LoginSession.token_hash == token_hash(token)))
    if row is None:
        return None
    idle_limit = timedelta(minutes=settings.session_idle_minutes)
    if now >= row.expires_at or now - row.last_seen_at >= idle_limit:
        return None
    for resolver in PRINCIPAL_RESOLVERS:
        principal = resolver(db, row)
        if principal is not None:
            return principal
    return None


def needs_touch(db: Session, token: str, now: datetime) -> bool:
    seen = db.scalar(select(LoginSession.last_seen_at)
                     .where(LoginSession.token_hash == token_hash(token)))
    return seen is not None and now - seen >= TOUCH_EVERY


def touch(db: Session, token: str, now: datetime) -> None:
    db.execute(update(LoginSession).where(LoginSession.token_hash == token_hash(token))
               .values(last_seen_at=now))


def end_session(db: Session, token: str) -> None:
    db.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash(token)))
