"""Every model, imported once so that `Base.metadata` knows the whole schema (for Alembic)."""

from governance.audit.models import AuditEvent, AuditHead
from governance.auth.models import AuthAttempt, LoginSession, StaffUser
from governance.db import Base
from governance.motions.models import (
    Motion,
    MotionAttachment,
    MotionLink,
    MotionObjective,
    MotionTag,
    MotionText,
    MotionTransition,
)
from governance.organizations.models import Organization, ProductNetwork

__all__ = [
    "AuditEvent",
    "AuditHead",
   "AuthAttempt", "Base", "LoginSession", "Organization", "ProductNetwork", "StaffUser",
    "Motion", "MotionAttachment", "MotionLink", "MotionObjective", "MotionTag", "MotionText",
    "MotionTransition",
]
