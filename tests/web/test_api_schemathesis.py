"""Schemathesis throws generated requests at every operation of /api/v1/openapi.json, on the
real server, signed in with an enterprise's API token: no request may end in a server error."""

from __future__ import annotations


import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.browser.conftest import live_server  # noqa: F401  - the uvicorn server fixture
from tests.conftest import issued_token, next_uscc


@pytest.fixture
def api_token(live_server: str) -> str:  # noqa: F811
    with httpx.Client(base_url=live_server, follow_redirects=True) as http:
        http.get("/login")
        http.post("/register", data={"csrftoken": http.cookies["csrftoken"], "kind": "enterprise",
                                     "organization_name": "接口测试科技有限公司", "uscc": next_uscc(),
                                     "admin_name": "测试员", "email": "api@example.cn",
                                     "password": "correct-horse-battery"})
        page = http.post("/account/api-tokens", data={"csrftoken": http.cookies["csrftoken"], "name": "schemathesis"})
        return issued_token(page.text)


def test_no_operation_answers_a_server_error(live_server, api_token):  # noqa: F811
    schema = schemathesis.openapi.from_url(f"{live_server}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 28  # 19 registry operations, the three of /api/v1/leads, the six of /api/v1/lists

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def no_server_error(case):
            response = case.call(headers={"authorization": f"Bearer {api_token}"})
            case.validate_response(response, checks=[not_a_server_error])

        no_server_error()
