"""Findings 7, 10, 12, 13, 14, 15, 16: CSRF whenever a session cookie authenticates, Origin and
Referer checked, the token rotated at login; the current-password check limited; registration
limited and neutral; the organizer role is the platform's; no-store on authenticated answers;
consent is an admin decision."""

from __future__ import annotations

from matchmaker.models import ApiToken, ConsentGrant, Organization, Role
from matchmaker.services.accounts.organizations import accept_invitation, invite_member
from tests.conftest import PASSWORD, issued_token, next_uscc


async def test_a_bearer_header_does_not_skip_csrf_when_a_session_cookie_authenticates(client, make_organization):
    admin = await make_organization("enterprise")
    await client.login(admin.email)

    response = await client.post("/account/api-tokens", data={"name": "无令牌"},
                                 headers={"Authorization": "Bearer mm_anything"})

    assert response.status_code == 403
    assert await ApiToken.all().count() == 0


async def test_a_cross_origin_unsafe_request_is_refused_even_with_a_valid_token(client, make_organization):
    admin = await make_organization("enterprise")
    await client.login(admin.email)
    token = await client.csrf()

    foreign = await client.post("/account/api-tokens", data={"csrftoken": token, "name": "跨站"},
                                headers={"Origin": "https://evil.example"})
    foreign_referer = await client.post("/account/api-tokens", data={"csrftoken": token, "name": "跨站"},
                                        headers={"Referer": "https://evil.example/page"})
    same = await client.post("/account/api-tokens", data={"csrftoken": token, "name": "本站"},
                             headers={"Origin": "http://testserver"})

    assert (foreign.status_code, foreign_referer.status_code, same.status_code) == (403, 403, 200)
    assert [t.name for t in await ApiToken.all()] == ["本站"]


async def test_the_csrf_token_is_rotated_at_login(client, make_organization):
    admin = await make_organization("enterprise")
    before = await client.csrf()

    await client.login(admin.email)

    after = client.cookies["csrftoken"]
    assert after != before
    stale = await client.post("/account/api-tokens", data={"csrftoken": before, "name": "旧令牌"})
    assert stale.status_code == 403


async def test_authenticated_answers_are_not_stored_by_caches(client, make_organization):
    admin = await make_organization("enterprise")
    anonymous = await client.get("/login")
    await client.login(admin.email)

    pages = [await client.get(path) for path in ("/dashboard", "/account", "/account/api-tokens")]

    assert "no-store" not in anonymous.headers.get("cache-control", "")
    assert all(page.headers["cache-control"] == "no-store" for page in pages)


async def test_the_current_password_check_is_limited(client, make_organization):
    admin = await make_organization("enterprise")
    await client.login(admin.email)

    statuses = [(await client.submit("/account/password", {"current_password": f"wrong-{i}",
                                                           "new_password": "another-horse-battery"})).status_code
                for i in range(7)]
    right = await client.submit("/account/password", {"current_password": PASSWORD,
                                                      "new_password": "another-horse-battery"})

    assert statuses == [400] * 5 + [429] * 2
    assert right.status_code == 429


async def test_registration_is_limited_and_worded_neutrally(client, make_organization):
    taken = await make_organization("enterprise")
    statuses, texts = [], []
    for _ in range(11):
        response = await client.submit("/register", {"kind": "enterprise", "organization_name": "探测公司",
                                                     "uscc": next_uscc(), "admin_name": "探测",
                                                     "email": taken.email, "password": PASSWORD})
        statuses.append(response.status_code)
        texts.append(response.text)

    assert statuses == [400] * 10 + [429]
    assert "该邮箱已注册" not in texts[0] and "该邮箱无法用于注册" in texts[0]


async def test_the_organizer_role_cannot_be_self_registered_and_the_audit_trail_is_organizers_only(
        client, other_client, make_organization):
    """Organizers are one platform role (README, DESIGN §1): made only with `create-organizer`."""
    response = await client.submit("/register", {"kind": "government", "organization_name": "自称主办方",
                                                 "licence_name": "无", "admin_name": "某人",
                                                 "email": "fake-organizer@example.cn", "password": PASSWORD})
    enterprise = await make_organization("enterprise")
    await other_client.login(enterprise.email)

    assert response.status_code == 400
    assert not await Organization.filter(is_organizer=True).exists()
    assert (await other_client.get("/organizer/audit")).status_code == 403


async def test_only_an_admin_grants_or_revokes_consent(client, other_client, make_organization):
    admin = await make_organization("enterprise")
    link = await invite_member(admin, email="member@example.cn", role=Role.MEMBER.value)
    member = await accept_invitation(link, name="成员", password=PASSWORD, password_min_length=10)
    bank = await make_organization("bank")
    bank_org = await Organization.get(memberships__user=bank)
    await other_client.login(member.email)

    refused = await other_client.submit("/profile/consents", {"scope": "financials", "audience": "named",
                                                              "institution_id": str(bank_org.id)})
    await client.login(admin.email)
    granted = await client.submit("/profile/consents", {"scope": "financials", "audience": "named",
                                                        "institution_id": str(bank_org.id)})
    grant = await ConsentGrant.get()
    revoke = await other_client.submit(f"/profile/consents/{grant.id}/revoke")

    assert refused.status_code == 403 and granted.status_code in (200, 303)
    assert revoke.status_code == 403 and (await ConsentGrant.get()).revoked_at is None
    page = await other_client.get("/profile")
    assert page.status_code == 200 and 'action="/profile/consents"' not in page.text
    assert "授权与撤回由本单位管理员决定。" in page.text
