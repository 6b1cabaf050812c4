"""CSRF, login throttling, headers, body limits, sessions that expire, languages."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from matchmaker.models import Organization, Session, User
from matchmaker.web.middleware import SESSION_COOKIE
from tests.conftest import PASSWORD


async def test_post_without_csrf_token_is_refused_with_403_and_writes_nothing(client):
    await client.get("/register")  # has the CSRF cookie, but the form field is missing

    response = await client.post("/register", data={"kind": "bank", "organization_name": "x", "licence_name": "y",
                                                     "admin_name": "z", "email": "z@example.cn", "password": PASSWORD})

    assert response.status_code == 403
    assert "表单已失效，请刷新页面后重试" in response.text
    assert await Organization.all().count() == 0


async def test_post_with_a_mismatched_csrf_token_is_refused(client, make_organization):
    user = await make_organization()
    await client.csrf()

    response = await client.post("/login", data={"csrftoken": "forged", "email": user.email, "password": PASSWORD})

    assert response.status_code == 403


async def test_cross_site_post_without_any_cookie_is_refused(client, make_organization):
    user = await make_organization()

    response = await client.post("/login", data={"email": user.email, "password": PASSWORD})

    assert response.status_code == 403


async def test_csrf_token_in_the_header_is_accepted(client, make_organization):
    user = await make_organization()
    token = await client.csrf()

    response = await client.post("/login", data={"email": user.email, "password": PASSWORD},
                                 headers={"x-csrftoken": token})

    assert response.status_code == 303


async def test_failed_logins_are_throttled_after_five_per_account(client, other_client, make_organization):
    user = await make_organization()
    for _ in range(5):
        assert (await client.login(user.email, "wrong-password")).status_code == 400

    throttled = await client.login(user.email, "wrong-password")
    from_elsewhere = await other_client.login(user.email, PASSWORD)  # another IP, same account

    assert throttled.status_code == 429
    assert 1 <= int(throttled.headers["retry-after"]) <= 15 * 60
    assert "登录失败次数过多" in throttled.text
    assert from_elsewhere.status_code == 429


async def test_failed_logins_are_throttled_per_ip_across_accounts(client, other_client, make_organization):
    user = await make_organization()
    for number in range(5):
        await client.login(f"guess{number}@example.cn", "wrong-password")

    from_same_ip = await client.login(user.email, PASSWORD)
    from_other_ip = await other_client.login(user.email, PASSWORD)

    assert from_same_ip.status_code == 429
    assert from_other_ip.status_code == 303


async def test_successful_logins_do_not_count_towards_the_limit(client, make_organization):
    user = await make_organization()

    statuses = [(await client.login(user.email)).status_code for _ in range(7)]

    assert statuses == [303] * 7


async def test_security_headers_are_on_every_page(client):
    response = await client.get("/")

    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-request-id"]


async def test_oversized_body_is_refused_with_413_in_chinese(client):
    token = await client.csrf()

    response = await client.post("/login", content=b"email=" + b"a" * (3 * 1024 * 1024),
                                 headers={"content-type": "application/x-www-form-urlencoded", "x-csrftoken": token})

    assert response.status_code == 413
    assert response.text == "提交的内容过大，请缩小文件或分批提交 (request body too large)"
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_expired_session_redirects_to_login_with_a_message(client, make_organization):
    user = await make_organization()
    await client.login(user.email)
    await Session.filter(user=user).update(expires_at=datetime.now(timezone.utc) - timedelta(minutes=1))

    response = await client.get("/account")
    login_page = await client.get(response.headers["location"])

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/account&expired=1"
    assert "登录已过期，请重新登录" in login_page.text
    assert await Session.filter(user=user).count() == 0


async def test_a_forged_session_cookie_is_just_anonymous(client):
    client.cookies.set(SESSION_COOKIE, "made-up-value")

    response = await client.get("/dashboard")

    assert response.status_code == 303


async def test_disabled_user_is_signed_out(client, make_organization):
    user = await make_organization()
    await client.login(user.email)
    await User.filter(id=user.id).update(is_active=False)

    assert (await client.get("/dashboard")).status_code == 303


async def test_language_switch_to_english_and_back(client):
    assert "银企对接 · 融资路演" in (await client.get("/")).text

    switched = await client.submit("/language", {"language": "en", "next": "/"})
    english = await client.get("/")

    assert switched.status_code == 303
    assert "Bank–enterprise docking · Financing roadshows" in english.text
    assert '<html lang="en">' in english.text


async def test_unknown_language_code_is_refused(client):
    response = await client.submit("/language", {"language": "xx", "next": "/"})

    assert response.status_code == 400
    assert "不支持的语言代码“xx”" in response.text


async def test_logged_in_users_language_choice_is_remembered_on_the_account(client, make_organization):
    user = await make_organization()
    await client.login(user.email)

    await client.submit("/language", {"language": "en", "next": "/"})

    assert (await User.get(id=user.id)).language == "en"


async def test_next_parameter_cannot_redirect_off_site(client, make_organization):
    user = await make_organization()

    response = await client.submit("/login", {"email": user.email, "password": PASSWORD,
                                              "next": "//evil.example/steal"})

    assert response.headers["location"] == "/dashboard"


async def test_organizer_pages_are_closed_to_enterprises(client, make_organization):
    user = await make_organization()
    await client.login(user.email)

    assert (await client.get("/organizer/audit")).status_code == 403
    assert (await client.get("/organizer/accounts/new")).status_code == 403


async def test_get_never_changes_state(client, make_organization):
    user = await make_organization()
    await client.login(user.email)

    assert (await client.get("/logout")).status_code == 405
    assert (await client.get("/dashboard")).status_code == 200
