"""Login throttling that slows guessers down without letting them lock real people out.

Every attempt is a row of `auth_attempts` (UTC), so the limits hold across every worker and
auditors read the same rows. The policy, and why (docs/security.md has the long version):

* Staff passwords are chosen by people, so guessing is the risk. Failures are counted per
  account and address (10 in 10 minutes), per account (30) and per address (100). An address
  from which the account logged in successfully in the last 30 days is a *known client*: only
  the first limit applies to it, so an attacker elsewhere who hammers the account cannot keep
  its owner out.
* Delegate credentials carry about 119 random bits: no online guessing gets anywhere, so the
  limits only bound the server's hashing work and stop someone who has most of a credential.
  Failures are counted per public identifier (20 in 10 minutes, from any address). Per address,
  only attempts naming an identifier that does not exist (or none) are counted (300): a venue
  where 1,500 delegates share one Wi-Fi address is never blocked by typos or by an attacker on
  the same network, because a delegate's own, existing identifier is never refused for the
  address's sake.
* A refused (throttled) attempt is logged too, as kind `password:limited` or
  `credential:limited`, but is not counted as a failure: a person who keeps retrying while
  throttled does not extend their own wait.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance import errors
from governance.auth.models import AuthAttempt

WINDOW = timedelta(minutes=10)
KNOWN_CLIENT = timedelta(days=30)

STAFF_PER_ACCOUNT_AND_CLIENT = 10
STAFF_PER_ACCOUNT = 30
STAFF_PER_CLIENT = 100
CREDENTIAL_PER_IDENTIFIER = 20
CREDENTIAL_PER_CLIENT_UNKNOWN = 300

PASSWORD, CREDENTIAL = "password", "credential"
LIMITED = ":limited"
UNKNOWN_IDENTIFIER = "credential?:"  # account prefix of attempts naming no existing identifier


def _failures(db: Session, since: datetime, **where: str) -> int:
    query = select(func.count()).select_from(AuthAttempt).where(
        AuthAttempt.at >= since, AuthAttempt.success.is_(False))
    if "account" in where:
        query = query.where(AuthAttempt.account == where["account"])
    if "client" in where:
        query = query.where(AuthAttempt.client == where["client"][:64])
    if "kind" in where:
        query = query.where(AuthAttempt.kind == where["kind"])
    if "account_prefix" in where:
        query = query.where(AuthAttempt.account.startswith(where["account_prefix"]))
    return db.scalar(query) or 0


def _refuse() -> errors.RateLimited:
    return errors.RateLimited(
        "Too many failed attempts. Wait %(minutes)s minutes and try again, "
        "or ask the secretariat for help.",
        retry_after=int(WINDOW.total_seconds()),
        minutes=int(WINDOW.total_seconds() // 60),
    )


def known_client(db: Session, account: str, client: str, now: datetime) -> bool:
    """The account logged in successfully from this address in the last 30 days."""
    return db.scalar(select(AuthAttempt.id).where(
        AuthAttempt.account == account, AuthAttempt.client == client[:64],
        AuthAttempt.success.is_(True), AuthAttempt.at >= now - KNOWN_CLIENT).limit(1)) is not None


def check_staff(db: Session, account: str, client: str, now: datetime) -> None:
    """Raise RateLimited when a staff login from `client` for `account` must wait."""
    since = now - WINDOW
    if _failures(db, since, account=account, client=client,
                 kind=PASSWORD) >= STAFF_PER_ACCOUNT_AND_CLIENT:
        raise _refuse()
    if known_client(db, account, client, now):
        return
    if (_failures(db, since, account=account, kind=PASSWORD) >= STAFF_PER_ACCOUNT
            or _failures(db, since, client=client, kind=PASSWORD) >= STAFF_PER_CLIENT):
        raise _refuse()


def check_credential(db: Session, account: str, client: str, now: datetime) -> None:
    """Raise RateLimited when a credential login must wait. `account` is
    `credential:<identifier>` for an existing identifier, else starts with `credential?:`."""
    since = now - WINDOW
    if account.startswith(UNKNOWN_IDENTIFIER):
        if _failures(db, since, client=client, kind=CREDENTIAL,
                     account_prefix=UNKNOWN_IDENTIFIER) >= CREDENTIAL_PER_CLIENT_UNKNOWN:
            raise _refuse()
        return
    if _failures(db, since, account=account, kind=CREDENTIAL) >= CREDENTIAL_PER_IDENTIFIER:
        raise _refuse()


def record(db: Session, kind: str, account: str, client: str, success: bool, now: datetime,
           limited: bool = False) -> None:
    """Log one attempt (in UTC). `limited`: refused by throttling before any check."""
    db.add(AuthAttempt(kind=kind + (LIMITED if limited else ""), account=account[:120],
                       client=client[:64], success=success, at=now))
