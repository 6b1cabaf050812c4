"""Organizations, their people and their sessions."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class OrganizationKind(StrEnum):
    ENTERPRISE = "enterprise"
    BANK = "bank"
    GUARANTOR = "guarantor"
    INSURER = "insurer"
    LEASING = "leasing"
    SMALL_LOAN = "small_loan"
    INVESTOR = "investor"
    INTERMEDIARY = "intermediary"
    GOVERNMENT = "government"


#: Kinds that publish financing products (DESIGN §1: the institution side).
INSTITUTION_KINDS = frozenset(OrganizationKind) - {OrganizationKind.ENTERPRISE, OrganizationKind.GOVERNMENT}


class Role(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"
    STAFF = "staff"  # 现场工作人员: an organizer's event staff, check-in and attendance only


class Organization(Model):
    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(OrganizationKind, max_length=16)
    name = fields.CharField(max_length=200)
    # 统一社会信用代码: unique among enterprises; institutions may leave it empty.
    uscc = fields.CharField(max_length=18, null=True, unique=True)
    licence_name = fields.CharField(max_length=200, default="")  # institutions: name on the financial licence
    is_organizer = fields.BooleanField(default=False)  # platform organizer: owns events
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "organization"

    def __str__(self) -> str:
        return self.name


class User(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)  # stored lower-cased
    name = fields.CharField(max_length=100)
    password_hash = fields.CharField(max_length=255)
    language = fields.CharField(max_length=8, default="zh")
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    password_changed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "user"

    def __str__(self) -> str:
        return self.email


class Membership(Model):
    """A user belongs to exactly one organization, with a role in it."""

    id = fields.IntField(primary_key=True)
    user = fields.OneToOneField("matchmaker.User", related_name="membership", on_delete=fields.CASCADE)
    organization = fields.ForeignKeyField("matchmaker.Organization", related_name="memberships",
                                          on_delete=fields.CASCADE)
    role = fields.CharEnumField(Role, max_length=8, default=Role.MEMBER)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "membership"


class Invitation(Model):
    """An admin invites a colleague by email. The link carries a token whose hash is stored here.

    (No semicolons in model docstrings: Tortoise's SQLite migrator splits statements on them.)
    """

    id = fields.IntField(primary_key=True)
    organization = fields.ForeignKeyField("matchmaker.Organization", related_name="invitations",
                                          on_delete=fields.CASCADE)
    email = fields.CharField(max_length=254)
    role = fields.CharEnumField(Role, max_length=8, default=Role.MEMBER)
    token_hash = fields.CharField(max_length=64, unique=True)
    invited_by = fields.ForeignKeyField("matchmaker.User", related_name="invitations_sent",
                                        on_delete=fields.CASCADE)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    accepted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "invitation"


class Session(Model):
    """Server-side session: the cookie carries only a random id, the row keeps its SHA-256."""

    id = fields.IntField(primary_key=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    user = fields.ForeignKeyField("matchmaker.User", related_name="sessions", on_delete=fields.CASCADE)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(db_index=True)
    ip = fields.CharField(max_length=45, default="")
    user_agent = fields.CharField(max_length=300, default="")

    class Meta:
        table = "session"
