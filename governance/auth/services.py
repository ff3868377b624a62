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
from governance.audit import services as audit
from governance.auth import passwords, throttle
from governance.auth.models import AuthAttempt, LoginSession, StaffUser
from governance.auth.roles import STAFF_ROLES, Principal
from governance.settings import Settings

USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,80}$")

# Login throttling lives in governance.auth.throttle; WINDOW is re-exported for callers.
WINDOW = throttle.WINDOW
TOUCH_EVERY = timedelta(seconds=60)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


# --- staff accounts -------------------------------------------------------------------------


def create_staff_user(
    db: Session, settings: Settings, username: str, role: str, password: str,
    actor: str = "system",
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
    audit.record(db, actor, "staff.create", f"staff:{user.id}",
                 {"username": username, "role": role})
    return user


def set_staff_active(db: Session, username: str, active: bool, actor: str) -> StaffUser:
    """Disable (or enable again) a staff account. Disabling ends its sessions at once, on
    every worker: the resolver refuses inactive accounts and the rows are deleted."""
    user = db.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None:
        raise errors.NotFound("There is no staff account %(username)s.", username=username)
    user.active = active
    if not active:
        db.execute(delete(LoginSession).where(LoginSession.staff_user_id == user.id))
    audit.record(db, actor, "staff.enable" if active else "staff.disable", f"staff:{user.id}",
                 {"username": user.username})
    db.flush()
    return user


# --- login attempts ---------------------------------------------------------------------


def record_attempt(
    db: Session, kind: str, account: str, client: str, success: bool, now: datetime,
    limited: bool = False,
) -> None:
    """Log one login attempt in UTC (kind `password` or `credential`)."""
    throttle.record(db, kind, account, client, success, now, limited)


def staff_account(username: str) -> str:
    return "user:" + username.lower()


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
    account = staff_account(username)
    throttle.check_staff(db, account, client, now)
    user = db.scalar(select(StaffUser).where(StaffUser.username == username))
    stored = user.password_hash if user and user.active else passwords.dummy_hash(
        settings.password_hashing
    )
    good = passwords.verify_secret(settings.password_hashing, stored, password)
    if not good or user is None or not user.active:
        # Recorded by the caller (record_attempt), since this transaction rolls back.
        raise errors.NotAuthenticated(
            "The username or password is not right.", code="bad_login"
        )
    record_attempt(db, "password", account, client, True, now)
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


def live_session(db: Session, settings: Settings, token: str, now: datetime,
                 ) -> LoginSession | None:
    """The session row of `token` while it lives: not ended, not idled out, not expired."""
    row = db.scalar(select(LoginSession).where(LoginSession.token_hash == token_hash(token)))
    if row is None:
        return None
    idle_limit = timedelta(minutes=settings.session_idle_minutes)
    if now >= row.expires_at or now - row.last_seen_at >= idle_limit:
        return None
    return row


def principal_of(db: Session, row: LoginSession) -> Principal | None:
    """Whoever a live session acts for, or None when its account no longer may act."""
    for resolver in PRINCIPAL_RESOLVERS:
        principal = resolver(db, row)
        if principal is not None:
            return principal
    return None


def resolve(db: Session, settings: Settings, token: str, now: datetime) -> Principal | None:
    """The principal of a live session, or None when it ended, idled out or never existed."""
    row = live_session(db, settings, token, now)
    return None if row is None else principal_of(db, row)


def touch(db: Session, token: str, now: datetime) -> None:
    db.execute(update(LoginSession).where(LoginSession.token_hash == token_hash(token))
               .values(last_seen_at=now))


def end_session(db: Session, token: str) -> None:
    db.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash(token)))


# --- the attempts log, for auditors ---------------------------------------------------------

ATTEMPT_KINDS = ("password", "credential", "password:limited", "credential:limited")


@dataclass(frozen=True)
class AttemptsPage:
    attempts: list[AuthAttempt]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def list_attempts(db: Session, page: int = 1, page_size: int = 100, kind: str | None = None,
                  success: bool | None = None) -> AttemptsPage:
    """Login attempts, newest first."""
    query = select(AuthAttempt)
    if kind:
        query = query.where(AuthAttempt.kind == kind)
    if success is not None:
        query = query.where(AuthAttempt.success.is_(success))
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.scalars(query.order_by(AuthAttempt.at.desc(), AuthAttempt.id.desc())
                      .offset((page - 1) * page_size).limit(page_size))
    return AttemptsPage(list(rows), total, page, page_size)


def attempt_dict(attempt: AuthAttempt) -> dict[str, object]:
    return {"id": attempt.id, "at": attempt.at.isoformat().replace("+00:00", "Z"),
            "kind": attempt.kind, "account": attempt.account, "client": attempt.client,
            "success": attempt.success}
