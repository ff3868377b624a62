"""Reading the public archive: a motion by its permalink code, never a draft."""

from __future__ import annotations

from sqlalchemy.orm import Session

from governance import errors
from governance.motions.services import MotionDetail, detail, get_motion_by_code


def public_motion(db: Session, code: str, staff: bool = False) -> MotionDetail:
    """The motion `code` with its neighbours as the public sees them. Staff may also open a
    draft (its page says so); for everyone else a draft does not exist."""
    motion = get_motion_by_code(db, code)
    if motion.status == "draft" and not staff:
        raise errors.NotFound("There is no motion %(reference)s.", reference=code[:40])
    return detail(db, motion, public=not staff)
