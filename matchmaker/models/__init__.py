"""Tortoise models only: no business rules, no I/O besides the ORM (DESIGN §2)."""

from matchmaker.models.accounts import (
    INSTITUTION_KINDS,
    Invitation,
    Membership,
    Organization,
    OrganizationKind,
    Role,
    Session,
    User,
)
from matchmaker.models.audit import AuditLog
from matchmaker.models.matching import ClaimState, MatchingNotice, NeedClaim
from matchmaker.models.outbox import OutboxMail, OutboxState
from matchmaker.models.registry import (
    ApiToken,
    ConsentAudience,
    ConsentGrant,
    ConsentScope,
    CustomField,
    EnterpriseProfile,
    FinancingKind,
    FinancingNeed,
    NeedStatus,
    PlatformRule,
    Policy,
    Product,
    ProfileRevision,
    PublicationStatus,
    Urgency,
)

__all__ = [
    "INSTITUTION_KINDS",
    "ApiToken",
    "ConsentAudience",
    "ConsentGrant",
    "ConsentScope",
    "CustomField",
    "EnterpriseProfile",
    "FinancingKind",
    "FinancingNeed",
    "NeedStatus",
    "PlatformRule",
    "Policy",
    "Product",
    "ProfileRevision",
    "PublicationStatus",
    "Urgency",
    "AuditLog",
    "ClaimState",
    "MatchingNotice",
    "NeedClaim",
    "OutboxMail",
    "OutboxState",
    "Invitation",
    "Membership",
    "Organization",
    "OrganizationKind",
    "Role",
    "Session",
    "User",
]
