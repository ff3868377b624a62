"""Who may do what: the one table of roles every page and API operation declares from, the
check the plumbing applies before an operation runs, and how a principal is named in the audit
trail.

An operation declares the roles that may call it (`roles=roles.CHAIR`); the secretariat
(`admin`) may do whatever any staff role may. Two declarations are not staff roles: `ANYONE`
(any logged-in principal, staff or delegate) and `DELEGATE` (delegates only, never staff, not
even the secretariat: a ballot is cast by the delegate who holds the vote). An empty
declaration (`PUBLIC`) lets anyone in, logged in or not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from governance import errors

# The staff roles an account can have (`asamblea user create --role`).
STAFF_ROLES = ("admin", "board", "committee", "auditor")



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


PUBLIC: tuple[str, ...] = ()
ANYONE = ("any",)
DELEGATE = ("delegate",)

READERS = ("board", "committee", "auditor")  # every staff role reads the assembly's records
BOARD = ("board",)
CHAIR = BOARD  # the board chairs the assembly: opens and closes polls
WRITERS = BOARD  # the board drafts and publishes motions
COMMITTEE = ("committee",)  # the credentials committee
TELLERS = COMMITTEE  # the committee's tellers enter the vote of a delegate without a device
EDITORS = COMMITTEE  # the committee keeps the member registry
STEWARDS = ("board", "committee")  # may move an assembly from one state to the next; amend
AUDITORS = ("auditor",)


def enforce(who: Principal | None, roles: Sequence[str]) -> None:
    """Refuse `who` unless the declaration `roles` lets it in: NotAuthenticated when nobody is
    logged in, Forbidden when the role does not fit."""
    if not roles:
        return
    if who is None:
        raise errors.NotAuthenticated("Log in to continue.")
    if tuple(roles) == DELEGATE:
        if who.kind != "delegate" or who.delegate_id is None:
            raise errors.Forbidden("This page is for delegates. Log in with your credential.",
                                   code="not_a_delegate")
        return
    if tuple(roles) != ANYONE and not who.has_role(*roles):
        raise errors.Forbidden("Your role does not allow this. Ask the secretariat if you need it.")


def actor(who: Principal) -> str:
    """The principal as the audit trail names it: `staff:<username>` or `delegate:<id>`."""
    if who.kind == "delegate":
        return f"delegate:{who.delegate_id}"
    return staff_actor(who.name)


def staff_actor(username: str) -> str:
    """A staff member as the audit trail names it (also for a teller acting for a delegate)."""
    return f"staff:{username}"
