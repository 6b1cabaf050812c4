"""Finding 2: 30 wrong passwords sent at once from one address get at most the limit (5)
checked; the rest are refused with 429 before any hashing."""

from __future__ import annotations

import asyncio

from tests.conftest import PASSWORD


async def test_a_concurrent_burst_of_wrong_passwords_gets_only_the_limit_checked(client, make_organization):
    user = await make_organization()
    token = await client.csrf()

    async def attempt(i: int) -> int:
        response = await client.post("/login", data={"csrftoken": token, "email": user.email,
                                                     "password": f"wrong-{i}"})
        return response.status_code

    statuses = await asyncio.gather(*(attempt(i) for i in range(30)))

    assert sorted(statuses) == [400] * 5 + [429] * 25
    assert (await client.login(user.email, PASSWORD)).status_code == 429  # the account is held
