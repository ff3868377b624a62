"""Every model, imported once so that `Base.metadata` knows the whole schema (for Alembic)."""

from governance.assemblies.models import Assembly, Delegate, Proxy, VotingRight
from governance.audit.models import AuditEvent, AuditHead
from governance.auth.models import AuthAttempt, LoginSession, StaffUser
from governance.db import Base
from governance.elections.models import Candidacy, Election
from governance.floor.models import AgendaItem, FloorRules, Speaker
from governance.minutes.models import Minutes, MinutesCosignature
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
from governance.polls.models import Ballot, Poll, PollVoter
from governance.results.models import Checkpoint, Cosignature

__all__ = [
    "Assembly", "AuditEvent", "AuditHead", "AuthAttempt", "Ballot", "Base", "Checkpoint",
    "Cosignature", "Delegate", "LoginSession", "Organization", "Poll", "PollVoter",
    "ProductNetwork", "Proxy", "StaffUser", "VotingRight", "Motion", "MotionAttachment",
    "MotionLink", "MotionObjective", "MotionTag", "MotionText", "MotionTransition",
    "AgendaItem", "FloorRules", "Speaker", "Candidacy", "Election", "Minutes",
    "MinutesCosignature",
]
