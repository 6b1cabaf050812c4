"""Registration, login, logout, sessions, invitations and member management over real HTTP + DB."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from matchmaker.models import AuditLog, Invitation, Membership, Organization, Session, User
from matchmaker.services.clock import db_time
from matchmaker.web.middleware import SESSION_COOKIE
from tests.conftest import PASSWORD, next_uscc

REGISTRATION = {
    "kind": "enterprise", "organization_name": "星河纳米测试有限公司", "admin_name": "林晓峰",
    "email": "Lin@Example.cn", "password": PASSWORD,
}


async def test_register_login_logout_round_trip(client):
    uscc = next_uscc()

    registered = await client.submit("/register", {**REGISTRATION, "uscc": uscc.lower()})
    assert registered.status_code == 303
    assert registered.headers["location"] == "/dashboard?welcome=1"
    dashboard = await client.get("/dashboard")
    assert dashboard.status_code == 200
    assert "星河纳米测试有限公司" in dashboard.text
    organization = await Organization.get(uscc=uscc)
    assert organization.kind == "enterprise"
    assert (await User.get(email="lin@example.cn")).name == "林晓峰"

    logged_out = await client.submit("/logout")
    assert logged_out.status_code == 303
    assert (await client.get("/dashboard")).headers["location"] == "/login?next=/dashboard"

    logged_in = await client.login("lin@example.cn")
    assert logged_in.status_code == 303
    assert logged_in.headers["location"] == "/dashboard"
    assert (await client.get("/dashboard")).status_code == 200


async def test_password_is_stored_as_argon2id_hash(client):
    await client.submit("/register", {**REGISTRATION, "uscc": next_uscc()})

    user = await User.get(email="lin@example.cn")

    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


async def test_session_id_changes_at_login_and_only_its_hash_is_stored(client, make_organization):
    user = await make_organization()
    await client.login(user.email)
    first = client.cookies[SESSION_COOKIE]

    await client.login(user.email)
    second = client.cookies[SESSION_COOKIE]

    assert first != second
    assert await Session.filter(user=user).count() == 1  # the pre-login session was dropped
    assert not await Session.exists(key_hash=second)


async def test_session_cookie_is_httponly_and_samesite_lax(client, make_organization):
    user = await make_organization()

    response = await client.login(user.email)

    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # served over plain http in this test


async def test_logout_drops_the_server_side_session(client, make_organization):
    user = await make_organization()
    await client.login(user.email)
    stolen_cookie = client.cookies[SESSION_COOKIE]

    await client.submit("/logout")
    client.cookies.set(SESSION_COOKIE, stolen_cookie)

    assert await Session.filter(user=user).count() == 0
    assert (await client.get("/dashboard")).status_code == 303


async def test_wrong_password_and_unknown_user_get_the_same_message(client, make_organization):
    user = await make_organization()

    wrong_password = await client.login(user.email, "not-the-password")
    unknown_user = await client.login("nobody@example.cn", "not-the-password")

    assert wrong_password.status_code == unknown_user.status_code == 400
    assert "邮箱或密码不正确" in wrong_password.text
    assert "邮箱或密码不正确" in unknown_user.text


async def test_registration_errors_are_shown_beside_fields_and_nothing_is_written(client, make_organization):
    taken = await make_organization()
    taken_uscc = (await Membership.get(user=taken).prefetch_related("organization")).organization.uscc
    before = (await Organization.all().count(), await User.all().count())

    response = await client.submit("/register", {
        "kind": "enterprise", "organization_name": "重复公司", "uscc": taken_uscc, "admin_name": "",
        "email": taken.email, "password": "123",
    })

    assert response.status_code == 400
    assert "该统一社会信用代码已注册" in response.text
    assert "请填写联系人姓名" in response.text
    assert "该邮箱无法用于注册" in response.text
    assert "密码至少 10 位" in response.text
    assert 'value="重复公司"' in response.text  # what was typed comes back, the password does not
    assert (await Organization.all().count(), await User.all().count()) == before


async def test_invalid_uscc_is_explained(client):
    response = await client.submit("/register", {**REGISTRATION, "uscc": "91350100M000100Y44"})

    assert response.status_code == 400
    assert "校验码错误：第 18 位应为“3”，填写的是“4”" in response.text
    assert not await User.exists(email="lin@example.cn")


async def test_institution_registers_with_kind_and_licence_name(client):
    response = await client.submit("/register", {
        "kind": "bank", "organization_name": "测试银行科技支行", "licence_name": "", "admin_name": "钱立新",
        "email": "bank@example.cn", "password": PASSWORD,
    })
    assert response.status_code == 400
    assert "请填写金融许可证或营业执照上的名称" in response.text

    response = await client.submit("/register", {
        "kind": "bank", "organization_name": "测试银行科技支行", "licence_name": "测试银行股份有限公司科技支行",
        "admin_name": "钱立新", "email": "bank@example.cn", "password": PASSWORD,
    })
    assert response.status_code == 303
    bank = await Organization.get(name="测试银行科技支行")
    assert (bank.kind, bank.uscc, bank.licence_name) == ("bank", None, "测试银行股份有限公司科技支行")


async def test_nobody_can_self_register_as_government_organizer(client):
    response = await client.submit("/register", {**REGISTRATION, "kind": "government", "uscc": ""})

    assert response.status_code == 400
    assert "请选择机构类型" in response.text


async def test_audit_rows_are_written_for_registration_and_login(client):
    await client.submit("/register", {**REGISTRATION, "uscc": next_uscc()})
    await client.submit("/logout")
    await client.login("lin@example.cn")

    actions = await AuditLog.all().order_by("id").values_list("action", "ip", flat=False)

    assert actions == [("organization.register", "203.0.113.7"), ("user.login", "203.0.113.7")]


async def test_change_password_logs_out_other_devices(client, other_client, make_organization):
    user = await make_organization()
    await client.login(user.email)
    await other_client.login(user.email)

    changed = await client.submit("/account/password", {"current_password": PASSWORD,
                                                        "new_password": "a-brand-new-passphrase"})

    assert changed.status_code == 303
    assert (await client.get("/account")).status_code == 200
    assert (await other_client.get("/account")).status_code == 303
    assert (await client.login(user.email, "a-brand-new-passphrase")).status_code == 303


async def test_change_password_with_wrong_current_password_is_refused(client, make_organization):
    user = await make_organization()
    await client.login(user.email)

    response = await client.submit("/account/password", {"current_password": "wrong-one-here",
                                                         "new_password": "a-brand-new-passphrase"})

    assert response.status_code == 400
    assert "当前密码不正确" in response.text


async def test_invited_colleague_joins_the_organization(client, other_client, make_organization):
    admin = await make_organization()
    await client.login(admin.email)

    page = await client.submit("/account/invitations", {"email": "colleague@example.cn", "role": "member"})
    link = page.text.split('<code class="break">')[1].split("</code>")[0]
    path = link.replace("http://testserver", "")
    joined = await other_client.submit(path, {"name": "王同事", "password": PASSWORD})
    reused = await other_client.submit(path, {"name": "王同事", "password": PASSWORD})

    assert joined.status_code == 303
    colleague = await Membership.get(user__email="colleague@example.cn").prefetch_related("organization")
    assert colleague.organization_id == (await Membership.get(user=admin)).organization_id
    assert colleague.role == "member"
    assert reused.status_code == 404


async def test_member_cannot_invite(client, other_client, make_organization):
    admin = await make_organization()
    await client.login(admin.email)
    page = await client.submit("/account/invitations", {"email": "member@example.cn", "role": "member"})
    path = page.text.split('<code class="break">')[1].split("</code>")[0].replace("http://testserver", "")
    await other_client.submit(path, {"name": "普通成员", "password": PASSWORD})

    response = await other_client.submit("/account/invitations", {"email": "x@example.cn", "role": "admin"})

    assert response.status_code == 403


async def test_another_organizations_member_answers_404(client, make_organization):
    ours = await make_organization(name="我方企业")
    theirs = await make_organization(name="他方企业")
    their_membership = await Membership.get(user=theirs)
    await client.login(ours.email)

    promote = await client.submit(f"/account/members/{their_membership.id}/role", {"role": "member"})
    remove = await client.submit(f"/account/members/{their_membership.id}/remove")

    assert promote.status_code == 404
    assert remove.status_code == 404
    assert (await Membership.get(id=their_membership.id)).role == "admin"
    assert (await User.get(id=theirs.id)).is_active
    assert "他方企业" not in promote.text


async def test_the_last_admin_cannot_step_down(client, make_organization):
    admin = await make_organization()
    own = await Membership.get(user=admin)
    await client.login(admin.email)

    response = await client.submit(f"/account/members/{own.id}/role", {"role": "member"})

    assert response.status_code == 400
    assert "单位至少需要一名管理员" in response.text


async def test_an_invitation_expired_an_hour_ago_is_no_longer_listed(client, make_organization):
    # Guards the time-zone trap: rows are stored in Shanghai time, so an expiry compared
    # against a UTC "now" as text would still look open for another eight hours.
    admin = await make_organization()
    await client.login(admin.email)
    await client.submit("/account/invitations", {"email": "late@example.cn", "role": "member"})
    await Invitation.filter(email="late@example.cn").update(
        expires_at=db_time(datetime.now(timezone.utc) - timedelta(hours=1)))

    page = await client.get("/account")

    assert "late@example.cn" not in page.text
