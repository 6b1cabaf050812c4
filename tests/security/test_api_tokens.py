"""Findings 3 and 6: an API token lives only while its creator is an active member — removing or
disabling the user, or a password change, revokes it — and only an admin (or the token's own
creator) may revoke a token."""

from __future__ import annotations

from matchmaker.models import ApiToken, Membership, Role, User
from matchmaker.services.accounts.organizations import accept_invitation, invite_member
from tests.conftest import PASSWORD, issued_token


async def _second_admin_with_token(client, other_client, make_organization):
    """Admin A and a colleague B (admin too, so that it can issue a token) signed in on other_client."""
    admin = await make_organization("enterprise")
    link = await invite_member(admin, email="colleague@example.cn", role=Role.ADMIN.value)
    colleague = await accept_invitation(link, name="同事", password=PASSWORD, password_min_length=10)
    await client.login(admin.email)
    await other_client.login(colleague.email)
    page = await other_client.submit("/account/api-tokens", {"name": "同事的脚本"})
    token = issued_token(page.text)
    assert (await other_client.get("/api/v1/profile", headers={"Authorization": f"Bearer {token}"})).status_code == 200
    return admin, colleague, token


async def _api(app_client, token: str, method: str = "GET", path: str = "/api/v1/needs", **kwargs) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return (await app_client.request(method, path, headers=headers, **kwargs)).status_code


async def test_removing_a_member_revokes_its_tokens_for_reads_and_writes(client, other_client, make_organization):
    _admin, colleague, token = await _second_admin_with_token(client, other_client, make_organization)
    membership = await Membership.get(user=colleague)

    assert (await client.submit(f"/account/members/{membership.id}/remove")).status_code == 303

    assert await _api(client, token) == 401
    assert await _api(client, token, "PUT", "/api/v1/profile", json={"province": "浙江省"}) == 401
    assert await ApiToken.filter(created_by=colleague, revoked_at=None).count() == 0


async def test_a_disabled_users_token_is_refused_even_without_revocation(client, other_client, make_organization):
    _admin, colleague, token = await _second_admin_with_token(client, other_client, make_organization)
    await User.filter(id=colleague.id).update(is_active=False)  # disabled by any other path (e.g. the database)

    assert await _api(client, token) == 401


async def test_a_password_change_revokes_the_users_tokens(client, other_client, make_organization):
    _admin, _colleague, token = await _second_admin_with_token(client, other_client, make_organization)

    response = await other_client.submit("/account/password", {"current_password": PASSWORD,
                                                                 "new_password": "another-horse-battery"})
    assert response.status_code == 303

    assert await _api(client, token) == 401


async def test_a_plain_member_cannot_revoke_an_admins_token(client, other_client, make_organization):
    admin = await make_organization("enterprise")
    link = await invite_member(admin, email="plain@example.cn", role=Role.MEMBER.value)
    member = await accept_invitation(link, name="成员", password=PASSWORD, password_min_length=10)
    await client.login(admin.email)
    token = issued_token((await client.submit("/account/api-tokens", {"name": "管理员的脚本"})).text)
    row = await ApiToken.get(created_by=admin)
    await other_client.login(member.email)

    assert (await other_client.submit(f"/account/api-tokens/{row.id}/revoke")).status_code == 403

    assert await _api(client, token) == 200
    page = await other_client.get("/account/api-tokens")
    assert f"/account/api-tokens/{row.id}/revoke" not in page.text
