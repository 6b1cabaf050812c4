"""Finding 8: an id no column can hold answers 404 on every route (one parser, not 500 from an
OverflowError), a deeply nested JSON body answers 400 (not 500 from a RecursionError), and a 500
carries the security headers like every other response."""

from __future__ import annotations

import httpx
from starlette.routing import Route

from matchmaker.app import create_app
from matchmaker.web.middleware import SECURITY_HEADERS
from matchmaker.web.routes import routes
from tests.conftest import Client, issued_token

HUGE = "99999999999999999999999"


def _paths_with_ids() -> list[tuple[str, str]]:
    found = []
    for route in routes:
        if isinstance(route, Route) and any(n.endswith("_id") for n in route.param_convertors):
            path = route.path
            for name in route.param_convertors:
                value = HUGE if name.endswith("_id") else {"action": "accept", "kind": "enterprises"}.get(name, "x")
                path = path.replace("{" + name + "}", value).replace("{" + name + ":int}", value).replace(
                    "{" + name + ":str}", value)
            for method in sorted(route.methods or {"GET"}):
                if method != "HEAD":
                    found.append((method, path))
    return found


async def test_every_route_answers_an_id_past_the_column_with_404(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    await client.login(organizer.email)
    token = await client.csrf()
    paths = _paths_with_ids()
    assert len(paths) > 40

    statuses = {}
    for method, path in paths:
        response = await client.request(method, path, data={"csrftoken": token} if method == "POST" else None,
                                        headers={"x-csrftoken": token} if method in ("PUT", "POST") else None)
        statuses[(method, path)] = response.status_code

    assert {key: status for key, status in statuses.items() if status != 404} == {}


async def test_api_ids_past_the_column_answer_json_404(client, make_organization):
    admin = await make_organization("enterprise")
    await client.login(admin.email)
    token = issued_token((await client.submit("/account/api-tokens", {"name": "脚本"})).text)

    response = await client.get(f"/api/v1/needs/{HUGE}", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 404 and "error" in response.json()


async def test_a_deeply_nested_json_body_answers_400(client, make_organization):
    admin = await make_organization("enterprise")
    await client.login(admin.email)
    token = issued_token((await client.submit("/account/api-tokens", {"name": "脚本"})).text)
    deep = "[" * 100_000 + "]" * 100_000

    response = await client.put("/api/v1/profile", content=deep, headers={"Authorization": f"Bearer {token}",
                                                                           "content-type": "application/json"})
    preview = await client.post("/products/criteria-preview", content='{"criteria": ' + deep + "}",
                                headers={"x-csrftoken": await client.csrf(), "content-type": "application/json"})

    assert response.status_code == 400 and "嵌套层数超过上限" in response.json()["problems"][""]
    assert preview.status_code == 400


async def test_a_500_carries_the_security_headers(settings):
    def broken(request):
        raise RuntimeError("boom")

    app = create_app(settings)
    app.router.routes.insert(0, Route("/__broken", broken))
    async with Client(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                      base_url="http://testserver") as http:
        response = await http.get("/__broken")

    assert response.status_code == 500
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value
    assert response.headers["cache-control"] == "no-store"
