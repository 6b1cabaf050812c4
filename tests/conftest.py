"""Shared fixtures: settings on a fresh real database per test, the app, an HTTP client, factories."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from tortoise import Tortoise

from matchmaker.app import create_app
from matchmaker.services import job_runner
from matchmaker.config import Settings, load_settings
from matchmaker.db import tortoise_config
from matchmaker.models import User
from matchmaker.services.accounts.organizations import RegistrationDraft, register_organization
from matchmaker.uscc import make_uscc
from tests.database import TemplateDatabase
from tests.mail.smtp_server import RecordingHandler, SmtpServer

PASSWORD = "correct-horse-battery"
_sequence = itertools.count(1)


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TemplateDatabase]:
    template = TemplateDatabase(tmp_path_factory.mktemp("template"))
    yield template
    template.close()


@pytest.fixture
def database_url(template_database: TemplateDatabase, tmp_path: Path) -> Iterator[str]:
    url = template_database.fresh(tmp_path)
    yield url
    template_database.drop(url)


REDIS_ENV = "MATCHMAKER_TEST_REDIS"  # e.g. redis://127.0.0.1:6379: the app's rate limits count there


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    # The app's own mail worker and worker loops are off: the mail and worker tests run workers
    # they control (and a background loop's statements would count in the page budgets).
    shared_limits = {}
    if os.environ.get(REDIS_ENV):  # a key prefix of this test's own: counts start at zero
        shared_limits = {"security_rate_limit_storage": os.environ[REDIS_ENV],
                         "security_rate_limit_key_prefix": f"mm_test_{os.getpid()}_{next(_sequence)}"}
    return load_settings(database_url=database_url, paths_var_dir=str(tmp_path / "var"),
                         security_password_min_length=10, mail_worker_enabled=False, jobs_worker_in_web=False,
                         **shared_limits)


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[None]:
    """The ORM on this test's database, for service-level tests without HTTP."""
    await Tortoise.init(config=tortoise_config(settings))
    yield
    await Tortoise.close_connections()


@pytest.fixture
async def app(settings: Settings):
    application = create_app(settings)
    async with LifespanManager(application):
        yield application


def issued_token(page_html: str) -> str:
    """The API token an /account/api-tokens answer shows once.

    Read from its <code> element: a bare `mm_…` search could also match inside a CSRF token."""
    return re.search(r'<code class="break">(mm_[A-Za-z0-9_-]+)</code>', page_html).group(1)


class Client(httpx.AsyncClient):
    """An HTTP client that behaves like a browser: it keeps cookies and sends the CSRF token."""

    async def csrf(self) -> str:
        if "csrftoken" not in self.cookies:
            await self.get("/login")
        return self.cookies["csrftoken"]

    async def submit(self, path: str, data: dict | None = None, **kwargs) -> httpx.Response:
        return await self.post(path, data={"csrftoken": await self.csrf(), **(data or {})}, **kwargs)

    async def after_job(self, response: httpx.Response) -> httpx.Response:
        """An answer that queued a background job (303 to /jobs/N, run in this process as with
        `[jobs] run_in_web`): wait for the job, then the page its result ends on."""
        assert response.status_code == 303, response.text
        location = response.headers["location"]
        assert location.startswith("/jobs/"), location
        await job_runner.wait_for(int(location.split("/")[2]))
        return await self.get(location, follow_redirects=True)

    async def job_file(self, response: httpx.Response) -> httpx.Response:
        """The file a queued job produced (a report): its page's download link, followed."""
        page = await self.after_job(response)
        link = re.search(r'id="job-download" href="(/jobs/\d+/file)"', page.text)
        assert link, page.text
        return await self.get(link.group(1))

    async def login(self, email: str, password: str = PASSWORD) -> httpx.Response:
        return await self.submit("/login", {"email": email, "password": password})


@pytest.fixture
async def client(app) -> AsyncIterator[Client]:
    async with Client(transport=httpx.ASGITransport(app=app, client=("203.0.113.7", 50000)),
                      base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def other_client(app) -> AsyncIterator[Client]:
    """A second browser (another person) on the same app."""
    async with Client(transport=httpx.ASGITransport(app=app, client=("198.51.100.9", 50000)),
                      base_url="http://testserver") as http:
        yield http


def next_uscc() -> str:
    return make_uscc(f"91330106MA2T{next(_sequence):04d}Q")


@pytest.fixture
def make_organization(app):
    """Create an organization with its admin through the real service; returns the admin User."""

    async def make(kind: str = "enterprise", *, name: str | None = None, email: str | None = None,
                   is_organizer: bool = False) -> User:
        number = next(_sequence)
        draft = RegistrationDraft(
            kind=kind, organization_name=name or f"测试单位{number}", uscc=next_uscc() if kind == "enterprise" else "",
            licence_name="" if kind == "enterprise" else f"测试许可证{number}", admin_name=f"联系人{number}",
            email=email or f"user{number}@example.cn", password=PASSWORD,
        )
        allowed = frozenset({kind})
        return await register_organization(draft, password_min_length=10, is_organizer=is_organizer,
                                           allowed_kinds=allowed)

    return make


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A running aiosmtpd on 127.0.0.1 with a recording handler; stopped after the test.

    Shared by the mail tests and the pages that show what was sent (the outbox page).
    """
    server = SmtpServer(RecordingHandler())
    server.start()
    try:
        yield server
    finally:
        server.stop()
