"""Finding 11, decided: the per-account limit stays as it is (5 failed attempts in 15 minutes,
counted before hashing, across every address). Failures from five addresses hold the account for
every address, its owner's too, until the window moves on: a distributed guesser gets no more
than 5 guesses per 15 minutes, and the owner's cost is a wait (README, "Security")."""

from __future__ import annotations

import httpx

from tests.conftest import PASSWORD, Client


async def test_failures_from_five_addresses_hold_the_account_for_a_sixth(app, make_organization):
    user = await make_organization()
    statuses = []
    for n in range(6):
        async with Client(transport=httpx.ASGITransport(app=app, client=(f"192.0.2.{n + 1}", 50000)),
                          base_url="http://testserver") as http:
            password = PASSWORD if n == 5 else f"wrong-{n}"
            statuses.append((await http.login(user.email, password)).status_code)

    assert statuses == [400] * 5 + [429]
