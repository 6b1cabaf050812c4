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

__all__ = [
    "INSTITUTION_KINDS",
    "AuditLog",
    "Invitation",
    "Membership",
    "Organization",
    "OrganizationKind",
    "Role",
    "Session",
    "User",
]
