"""Sign-up, sign-in, sign-out, the account page, colleagues and invitations."""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.errors import AuthenticationFailed, InvalidInput
from matchmaker.models import INSTITUTION_KINDS, OrganizationKind, Role
from matchmaker.services.accounts import organizations as accounts, sessions
from matchmaker.web.auth import safe_next, viewer_of
from matchmaker.web.i18n import N_
from matchmaker.web.forms import form_fields, redisplayable
from matchmaker.web.csrf_multipart import CSRF_COOKIE, fresh_csrf_token
from matchmaker.web.middleware import SESSION_COOKIE
from matchmaker.web.pages import redirect, render, settings_of

KIND_LABELS = {
    OrganizationKind.ENTERPRISE: N_("科技企业"),
    OrganizationKind.BANK: N_("银行"),
    OrganizationKind.GUARANTOR: N_("融资担保机构"),
    OrganizationKind.INSURER: N_("保险机构"),
    OrganizationKind.LEASING: N_("融资租赁公司"),
    OrganizationKind.SMALL_LOAN: N_("小额贷款公司"),
    OrganizationKind.INVESTOR: N_("投资机构"),
    OrganizationKind.INTERMEDIARY: N_("中介服务机构"),
    OrganizationKind.GOVERNMENT: N_("政府部门"),
}
REGISTRABLE_KINDS = [OrganizationKind.ENTERPRISE, *sorted(INSTITUTION_KINDS, key=list(OrganizationKind).index)]


def _draft(values: dict[str, str]) -> accounts.RegistrationDraft:
    names = {f.name for f in dataclass_fields(accounts.RegistrationDraft)}
    return accounts.RegistrationDraft(**{key: value for key, value in values.items() if key in names})


def _sign_in(request: Request, response: Response, key: str) -> Response:
    settings = settings_of(request)
    secure = settings.server_https or request.url.scheme == "https"
    response.set_cookie(SESSION_COOKIE, key, httponly=True, samesite="lax", secure=secure)
    # Rotate the CSRF token with the session: a token known before the login is void after it.
    response.set_cookie(CSRF_COOKIE, fresh_csrf_token(settings.security_secret_key), samesite="lax", secure=secure)
    return response


async def _open_session(request: Request, user) -> str:
    settings = settings_of(request)
    if request.state.session_key:  # rotate: the pre-login id never survives a login
        await sessions.close_session(request.state.session_key)
    return await sessions.open_session(
        user, idle=timedelta(minutes=settings.security_session_idle_minutes),
        ip=request.state.client_ip, user_agent=request.headers.get("user-agent", ""),
    )


async def register_form(request: Request) -> Response:
    return render(request, "accounts/register.html", {"values": {"kind": "enterprise"}, "problems": {},
                                                      "kinds": REGISTRABLE_KINDS, "kind_labels": KIND_LABELS})


async def register(request: Request) -> Response:
    values = await form_fields(request)
    settings = settings_of(request)
    throttle = request.app.state.registration_throttle
    if throttled := await throttle.attempt(ip=request.state.client_ip, account=values.get("email", "")):
        minutes = -(-throttled.retry_after_seconds // 60)
        return render(request, "accounts/register.html",
                      {"values": redisplayable(values), "kinds": REGISTRABLE_KINDS, "kind_labels": KIND_LABELS,
                       "problems": {"form": f"注册尝试过于频繁，请 {minutes} 分钟后再试 (too many attempts; retry later)"}},
                      status_code=429, headers={"Retry-After": str(throttled.retry_after_seconds)})
    try:
        user = await accounts.register_organization(_draft(values),
                                                    password_min_length=settings.security_password_min_length)
    except InvalidInput as error:
        return render(request, "accounts/register.html",
                      {"values": redisplayable(values), "problems": error.problems, "kinds": REGISTRABLE_KINDS,
                       "kind_labels": KIND_LABELS}, status_code=400)
    return _sign_in(request, redirect("/dashboard?welcome=1"), await _open_session(request, user))


async def login_form(request: Request) -> Response:
    return render(request, "accounts/login.html", {
        "values": {}, "problems": {}, "next": safe_next(request.query_params.get("next")),
        "expired": request.query_params.get("expired") == "1" or request.state.session_expired,
    })


async def login(request: Request) -> Response:
    values = await form_fields(request)
    email, password = values.get("email", ""), values.get("password", "")
    next_path = safe_next(values.get("next"))
    throttle = request.app.state.login_throttle
    ip = request.state.client_ip
    if throttled := await throttle.attempt(ip=ip, account=email):
        minutes = -(-throttled.retry_after_seconds // 60)
        return render(request, "accounts/login.html", {
            "values": {"email": email}, "next": next_path, "expired": False,
            "problems": {"form": f"登录失败次数过多，请 {minutes} 分钟后再试 (too many attempts; retry later)"},
        }, status_code=429, headers={"Retry-After": str(throttled.retry_after_seconds)})
    try:
        user = await accounts.authenticate(email, password)
    except AuthenticationFailed as error:
        return render(request, "accounts/login.html", {
            "values": {"email": email}, "next": next_path, "expired": False, "problems": {"form": error.message},
        }, status_code=400)
    await throttle.succeeded(ip=ip, account=email)
    await accounts.record_login(user)
    return _sign_in(request, redirect(next_path), await _open_session(request, user))


async def logout(request: Request) -> Response:
    if request.state.session_key:
        await sessions.close_session(request.state.session_key)
    response = redirect("/")
    response.delete_cookie(SESSION_COOKIE)
    return response


async def account_page(request: Request, *, problems: dict | None = None, status_code: int = 200,
                       notice: str = "", invite_link: str = "") -> Response:
    viewer = await viewer_of(request)
    return render(request, "accounts/account.html", {
        "viewer": viewer, "members": await accounts.members_of(viewer.organization),
        "invitations": await accounts.open_invitations(viewer.organization) if viewer.is_admin else [],
        "problems": problems or {}, "notice": notice or request.query_params.get("notice", ""),
        "invite_link": invite_link, "roles": list(Role), "kind_labels": KIND_LABELS,
    }, status_code=status_code)


async def change_password(request: Request) -> Response:
    viewer = await viewer_of(request)
    values = await form_fields(request)
    # The current password is a password guess like a login: the login's counts limit it.
    throttle = request.app.state.login_throttle
    if throttled := await throttle.attempt(ip=request.state.client_ip, account=viewer.user.email):
        minutes = -(-throttled.retry_after_seconds // 60)
        return await account_page(request, status_code=429, problems={
            "current_password": f"密码尝试次数过多，请 {minutes} 分钟后再试 (too many attempts; retry later)"})
    try:
        await accounts.change_password(viewer.user, current=values.get("current_password", ""),
                                       new=values.get("new_password", ""),
                                       password_min_length=settings_of(request).security_password_min_length)
    except InvalidInput as error:
        if "current_password" not in error.problems:
            await throttle.succeeded(ip=request.state.client_ip, account=viewer.user.email)
        return await account_page(request, problems=error.problems, status_code=400)
    await throttle.succeeded(ip=request.state.client_ip, account=viewer.user.email)
    await sessions.close_all_sessions(viewer.user, except_key=request.state.session_key)
    return redirect("/account?notice=password")


async def invite(request: Request) -> Response:
    viewer = await viewer_of(request)
    values = await form_fields(request)
    try:
        token = await accounts.invite_member(viewer.user, email=values.get("email", ""),
                                             role=values.get("role", Role.MEMBER.value))
    except InvalidInput as error:
        return await account_page(request, problems=error.problems, status_code=400)
    return await account_page(request, invite_link=str(request.url_for("invitation_form", token=token)))


async def invitation_form(request: Request) -> Response:
    invitation = await accounts.pending_invitation(request.path_params["token"])
    return render(request, "accounts/invitation.html", {"invitation": invitation, "values": {}, "problems": {}})


async def accept_invitation(request: Request) -> Response:
    token = request.path_params["token"]
    values = await form_fields(request)
    try:
        user = await accounts.accept_invitation(token, name=values.get("name", ""),
                                                password=values.get("password", ""),
                                                password_min_length=settings_of(request).security_password_min_length)
    except InvalidInput as error:
        invitation = await accounts.pending_invitation(token)
        return render(request, "accounts/invitation.html", {"invitation": invitation,
                                                            "values": redisplayable(values),
                                                            "problems": error.problems}, status_code=400)
    return _sign_in(request, redirect("/dashboard?welcome=1"), await _open_session(request, user))


async def change_member_role(request: Request) -> Response:
    viewer = await viewer_of(request)
    values = await form_fields(request)
    try:
        await accounts.change_member_role(viewer.user, request.path_params["membership_id"], role=values.get("role", ""))
    except InvalidInput as error:
        return await account_page(request, problems=error.problems, status_code=400)
    return redirect("/account?notice=role")


async def remove_member(request: Request) -> Response:
    viewer = await viewer_of(request)
    try:
        await accounts.remove_member(viewer.user, request.path_params["membership_id"])
    except InvalidInput as error:
        return await account_page(request, problems=error.problems, status_code=400)
    return redirect("/account?notice=removed")
