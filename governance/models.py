"""Every model, imported once so that `Base.metadata` knows the whole schema (for Alembic)."""

from governance.assemblies.models import Assembly, Delegate, Proxy, VotingRight
from governance.audit.models import AuditEvent, AuditHead
from governance.auth.models import AuthAttempt, LoginSession, StaffUser
from governance.db import Base
from governance.organizations.models import Organization, ProductNetwork

__all__ = [
    "AuditEvent",
    "AuditHead",
   "AuthAttempt", "Base", "LoginSession", "Organization", "ProductNetwork", "StaffUser"]
__all__ += ["Assembly", "Delegate", "Proxy", "VotingRight"]
