"""Organizations and their people: registration, login, invitations, passwords."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from tortoise.transactions import in_transaction

from matchmaker.errors import AuthenticationFailed, InvalidInput, NotAllowed, NotFound
from matchmaker.models import (
    INSTITUTION_KINDS,
    Invitation,
    Membership,
    Organization,
    OrganizationKind,
    Role,
    User,
)
from matchmaker.services.audit import audit
from matchmaker.services.clock import db_time
from matchmaker.services.accounts.api_tokens import revoke_tokens_of
from matchmaker.services.accounts.sessions import close_all_sessions
from matchmaker.services.tenancy import get_scoped
from matchmaker.services.accounts.passwords import DUMMY_HASH, hash_password, password_problem, verify_password
from matchmaker.uscc import UsccError, validate_uscc

INVITATION_LIFETIME = timedelta(days=7)
SELF_REGISTRATION_KINDS = frozenset(INSTITUTION_KINDS | {OrganizationKind.ENTERPRISE})


@dataclass(frozen=True)
class RegistrationDraft:
    """What the registration form (or an organizer creating an account) submits."""

    kind: str
    organization_name: str
    uscc: str = ""
    licence_name: str = ""
    admin_name: str = ""
    email: str = ""
    password: str = ""


def normalize_email(raw: str) -> str:
    return (raw or "").strip().lower()


def _email_problem(email: str) -> str | None:
    local, _, domain = email.partition("@")
    if not email:
        return "请填写邮箱 (email required)"
    if not local or "." not in domain or " " in email or len(email) > 254:
        return "邮箱格式不正确 (not a valid email address)"
    return None


async def _registration_problems(draft: RegistrationDraft, *, password_min_length: int,
                                  allowed_kinds: frozenset[str]) -> tuple[dict[str, str], str | None]:
    problems: dict[str, str] = {}
    uscc = None
    if draft.kind not in allowed_kinds:
        problems["kind"] = "请选择机构类型 (choose the kind of organization)"
    if not draft.organization_name.strip():
        problems["organization_name"] = "请填写单位名称 (name required)"
    elif len(draft.organization_name) > 200:
        problems["organization_name"] = "单位名称不超过 200 字 (at most 200 characters)"
    if draft.kind == OrganizationKind.ENTERPRISE:
        try:
            uscc = validate_uscc(draft.uscc)
        except UsccError as exc:
            problems["uscc"] = exc.message
        else:
            if await Organization.exists(uscc=uscc):
                problems["uscc"] = "该统一社会信用代码已注册，请联系贵单位管理员邀请您加入 (already registered)"
    elif draft.kind in INSTITUTION_KINDS and not draft.licence_name.strip():
        problems["licence_name"] = "请填写金融许可证或营业执照上的名称 (licence name required)"
    if not draft.admin_name.strip():
        problems["admin_name"] = "请填写联系人姓名 (name required)"
    email = normalize_email(draft.email)
    if message := _email_problem(email):
        problems["email"] = message
    elif await User.exists(email=email):
        problems["email"] = "该邮箱无法用于注册；如您已有账户，请直接登录 (this email cannot be used; sign in if you have an account)"
    if message := password_problem(draft.password, min_length=password_min_length):
        problems["password"] = message
    return problems, uscc


async def register_organization(draft: RegistrationDraft, *, password_min_length: int,
                                by: User | None = None, is_organizer: bool = False,
                                allowed_kinds: frozenset[str] = SELF_REGISTRATION_KINDS) -> User:
    """Create an organization with its first admin; nothing is written when any field is wrong."""
    problems, uscc = await _registration_problems(draft, password_min_length=password_min_length,
                                                  allowed_kinds=allowed_kinds)
    if problems:
        raise InvalidInput(problems)
    password_hash = await hash_password(draft.password)
    async with in_transaction():
        organization = await Organization.create(
            kind=draft.kind, name=draft.organization_name.strip(), uscc=uscc,
            licence_name=draft.licence_name.strip(), is_organizer=is_organizer,
        )
        user = await User.create(email=normalize_email(draft.email), name=draft.admin_name.strip(),
                                 password_hash=password_hash)
        await Membership.create(user=user, organization=organization, role=Role.ADMIN)
        await audit(by or user, "organization.register", organization, organization=organization,
                    after={"kind": organization.kind.value, "name": organization.name, "uscc": uscc,
                           "admin": user.email, "by_organizer": by is not None})
    return user


async def create_account_for(organizer: User, draft: RegistrationDraft, *, password_min_length: int) -> User:
    """An organizer registers an enterprise or institution on its behalf (e.g. from a paper form)."""
    organizer_org = await organization_of(organizer)
    if not organizer_org.is_organizer:
        raise NotAllowed()
    return await register_organization(draft, password_min_length=password_min_length, by=organizer)


async def authenticate(email: str, password: str) -> User:
    """The user with these credentials; one error for unknown user and wrong password alike."""
    user = await User.get_or_none(email=normalize_email(email))
    if user is None:
        await verify_password(DUMMY_HASH, password)  # same work either way: no timing oracle
        raise AuthenticationFailed()
    if not await verify_password(user.password_hash, password) or not user.is_active:
        raise AuthenticationFailed()
    return user


async def record_login(user: User) -> None:
    async with in_transaction():
        await audit(user, "user.login", user, organization=await organization_of(user))


async def change_password(user: User, *, current: str, new: str, password_min_length: int) -> None:
    problems: dict[str, str] = {}
    if not await verify_password(user.password_hash, current):
        problems["current_password"] = "当前密码不正确 (current password is wrong)"
    if message := password_problem(new, min_length=password_min_length):
        problems["new_password"] = message
    elif new == current:
        problems["new_password"] = "新密码不能与当前密码相同 (must differ from the current one)"
    if problems:
        raise InvalidInput(problems)
    user.password_hash = await hash_password(new)
    user.password_changed_at = datetime.now(timezone.utc)
    async with in_transaction():
        await user.save(update_fields=["password_hash", "password_changed_at"])
        revoked = await revoke_tokens_of(user)
        await audit(user, "user.password_change", user, organization=await organization_of(user),
                    after={"tokens_revoked": revoked})


async def set_language(user: User, language: str) -> None:
    user.language = language
    await user.save(update_fields=["language"])


async def membership_of(user: User) -> Membership | None:
    """The user's one membership with its organization loaded; None for a user without one.
    A user resumed from its session (sessions.resume_session) has them already: no statement."""
    if hasattr(user, "_membership"):  # set by select_related: the membership row, or None for none
        loaded = user._membership
        if loaded is None or isinstance(loaded, Membership):
            return loaded
    return await Membership.get_or_none(user=user).select_related("organization")


async def organization_of(user: User) -> Organization:
    membership = await Membership.get(user=user).prefetch_related("organization")
    return membership.organization


async def institutions() -> list[Organization]:
    """Every financial institution and investor, by name: the choices of pickers and filters."""
    return await Organization.filter(kind__in=list(INSTITUTION_KINDS)).order_by("name")


async def role_of(user: User) -> Role:
    return (await Membership.get(user=user)).role


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def invite_member(admin: User, *, email: str, role: str) -> str:
    """An organization admin invites a colleague; returns the one-time token for the link."""
    organization = await _admin_context(admin)
    email = normalize_email(email)
    problems: dict[str, str] = {}
    if message := _email_problem(email):
        problems["email"] = message
    elif await User.exists(email=email):
        problems["email"] = "该邮箱已注册 (email already registered)"
    if role not in {r.value for r in Role}:
        problems["role"] = "请选择角色 (choose a role)"
    elif role == Role.STAFF and not organization.is_organizer:
        problems["role"] = "现场工作人员只属于组织方 (event staff belong to an organizer)"
    if problems:
        raise InvalidInput(problems)
    token = secrets.token_urlsafe(32)
    async with in_transaction():
        invitation = await Invitation.create(
            organization=organization, email=email, role=role, token_hash=_token_hash(token),
            invited_by=admin, expires_at=datetime.now(timezone.utc) + INVITATION_LIFETIME,
        )
        await audit(admin, "member.invite", invitation, organization=organization,
                    after={"email": email, "role": role})
    return token


async def pending_invitation(token: str) -> Invitation:
    invitation = await Invitation.get_or_none(token_hash=_token_hash(token)).prefetch_related("organization")
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at <= datetime.now(timezone.utc):
        raise NotFound("邀请链接无效或已过期 (invitation invalid or expired)")
    return invitation


async def accept_invitation(token: str, *, name: str, password: str, password_min_length: int) -> User:
    invitation = await pending_invitation(token)
    problems: dict[str, str] = {}
    if not name.strip():
        problems["name"] = "请填写姓名 (name required)"
    if message := password_problem(password, min_length=password_min_length):
        problems["password"] = message
    if await User.exists(email=invitation.email):
        problems["email"] = "该邮箱已注册 (email already registered)"
    if problems:
        raise InvalidInput(problems)
    password_hash = await hash_password(password)
    async with in_transaction():
        # Claim the invitation atomically: a second accept with the same link finds no row.
        claimed = await Invitation.filter(id=invitation.id, accepted_at__isnull=True).update(
            accepted_at=datetime.now(timezone.utc))
        if not claimed:
            raise NotFound("邀请链接无效或已过期 (invitation invalid or expired)")
        user = await User.create(email=invitation.email, name=name.strip(), password_hash=password_hash)
        await Membership.create(user=user, organization=invitation.organization, role=invitation.role)
        await audit(user, "member.join", user, organization=invitation.organization,
                    after={"email": user.email, "role": invitation.role.value})
    return user


async def members_of(organization: Organization) -> list[Membership]:
    return await (Membership.filter(organization=organization, user__is_active=True)
                  .prefetch_related("user").order_by("id"))


async def open_invitations(organization: Organization) -> list[Invitation]:
    return await Invitation.filter(organization=organization, accepted_at__isnull=True,
                                   expires_at__gt=db_time()).order_by("-id")


async def change_member_role(admin: User, membership_id: object, *, role: str) -> Membership:
    """An admin makes a colleague admin or member; the last admin cannot step down."""
    organization = await _admin_context(admin)
    membership = await get_scoped(Membership, organization, membership_id)
    if role not in {r.value for r in Role}:
        raise InvalidInput({"role": "请选择角色 (choose a role)"})
    if role == Role.STAFF and not organization.is_organizer:
        raise InvalidInput({"role": "现场工作人员只属于组织方 (event staff belong to an organizer)"})
    if membership.role == Role.ADMIN and role != Role.ADMIN and await _admin_count(organization) == 1:
        raise InvalidInput({"role": "单位至少需要一名管理员 (an organization needs at least one admin)"})
    before = membership.role.value
    async with in_transaction():
        membership.role = Role(role)
        await membership.save(update_fields=["role"])
        await audit(admin, "member.role", membership, organization=organization,
                    before={"role": before}, after={"role": role})
    return membership


async def remove_member(admin: User, membership_id: object) -> None:
    """An admin removes a colleague's access: the account is disabled and its sessions end."""
    organization = await _admin_context(admin)
    membership = await get_scoped(Membership, organization, membership_id)
    await membership.fetch_related("user")
    if membership.user_id == admin.id:
        raise InvalidInput({"member": "不能移除自己 (you cannot remove yourself)"})
    async with in_transaction():
        membership.user.is_active = False
        await membership.user.save(update_fields=["is_active"])
        await close_all_sessions(membership.user)
        revoked = await revoke_tokens_of(membership.user)
        await audit(admin, "member.remove", membership, organization=organization,
                    before={"email": membership.user.email, "active": True},
                    after={"active": False, "tokens_revoked": revoked})


async def _admin_context(user: User) -> Organization:
    """The organization `user` administers; NotAllowed for a plain member."""
    membership = await Membership.get(user=user).prefetch_related("organization")
    if membership.role != Role.ADMIN:
        raise NotAllowed("只有单位管理员可以管理成员 (only admins manage members)")
    return membership.organization


async def _admin_count(organization: Organization) -> int:
    return await Membership.filter(organization=organization, role=Role.ADMIN, user__is_active=True).count()
