"""Signing in a user made by the ORM factories (tests.factories.make_user stores no real password)."""

from __future__ import annotations

from matchmaker.models import User
from matchmaker.services.accounts.passwords import hash_password
from tests.conftest import PASSWORD


async def login_as(client, user: User) -> None:
    user.password_hash = await hash_password(PASSWORD)
    await user.save(update_fields=["password_hash"])
    response = await client.login(user.email)
    assert response.status_code in (200, 303)
