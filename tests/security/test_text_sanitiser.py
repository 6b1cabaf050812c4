"""Finding 9: one text sanitiser for every free-text input — NUL/ESC refused in forms and JSON,
a line break refused in a one-line name — and a CR/LF in a stored display name never breaks a
mail header."""

from __future__ import annotations

from datetime import UTC, datetime

from matchmaker.mail.compose import RenderedEmail
from matchmaker.mail.message import build_message, message_to_bytes
from matchmaker.models import ApiToken, Organization
from tests.conftest import issued_token, next_uscc


async def test_control_characters_in_form_fields_are_refused_and_nothing_is_written(client, make_organization):
    admin = await make_organization("enterprise")
    await client.login(admin.email)

    token_name = await client.submit("/account/api-tokens", {"name": "脚本\x00\x1b[31m"})
    registration = await client.submit("/register", {
        "kind": "enterprise", "organization_name": "换行\r\nBcc: x@example.cn", "uscc": next_uscc(),
        "admin_name": "联系人", "email": "crlf@example.cn", "password": "correct-horse-battery"})

    assert token_name.status_code == 400 and "不能包含控制字符" in token_name.text
    assert registration.status_code == 400 and "不能换行" in registration.text
    assert await ApiToken.all().count() == 0
    assert not await Organization.filter(name__contains="换行").exists()


async def test_control_characters_in_a_json_body_are_refused(client, make_organization):
    admin = await make_organization("enterprise")
    await client.login(admin.email)
    token = issued_token((await client.submit("/account/api-tokens", {"name": "脚本"})).text)

    response = await client.post("/api/v1/needs", json={"title": "扩产\x00", "amount": 1_000_000},
                                 headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 400 and "不能包含控制字符" in response.json()["problems"]["title"]


def test_a_line_break_in_a_stored_name_never_reaches_a_header():
    rendered = RenderedEmail(subject="通知\r\nBcc: evil@example.cn", text="正文", html="<p>正文</p>")
    message = build_message(rendered, sender="平台 <noreply@example.cn>",
                            recipient="张三\r\nBcc: evil@example.cn <zhang@example.cn>",
                            message_id="<1@example.cn>", date=datetime(2026, 12, 1, tzinfo=UTC))

    data = message_to_bytes(message)

    assert b"\r\nBcc:" not in data and data.count(b"\r\nTo: ") == 1
