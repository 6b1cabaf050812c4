"""SQL statements per page, counted on the demo data and again with more rows: ≤ 10 for a
participant's page, ≤ 15 for an organizer's, and the same count whatever the number of rows (DESIGN §2: latency follows the statement count).

Counted from Tortoise's own query log (`tortoise.db_client`, one DEBUG record per statement sent)."""

from __future__ import annotations

import logging
from contextlib import contextmanager

import pytest

from matchmaker.demo.city import DEMO_PASSWORD, load_demo
from matchmaker.models import (Event, EventKind, EventStatus, FinancingNeed, MeetingRequest, Organization, Product,
                               Programme, Registration)
from tests import factories

PARTICIPANT_BUDGET = 10
ORGANIZER_BUDGET = 15


class _Statements(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.queries: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith("Created connection pool"):
            self.queries.append(message)


@contextmanager
def counting():
    logger = logging.getLogger("tortoise.db_client")
    handler, level = _Statements(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler.queries
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


async def statements(client, path: str) -> int:
    with counting() as queries:
        response = await client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


@pytest.fixture
async def demo(app, settings):
    await load_demo(settings.var_dir)
    open_events = Event.filter(status__not=EventStatus.CLOSED)  # not last month's, held already
    e01 = await Organization.get(memberships__user__email="e01@demo.matchmaker.cn")
    bank = await Organization.get(memberships__user__email="bank1@demo.matchmaker.cn")
    return {"docking": (await open_events.get(kind=EventKind.DOCKING)).pk,
            "roadshow": (await open_events.get(kind=EventKind.ROADSHOW)).pk,
            "need": (await FinancingNeed.filter(enterprise=e01).order_by("id").first()).pk,
            "product": (await Product.filter(organization=bank).order_by("id").first()).pk,
            "enterprise": e01.pk, "programme": (await Programme.all().order_by("id").first()).pk}


#: Every key page of every role (the pages each role opens most: bench/load.py drives them too).
PARTICIPANT_PAGES = {
    "e01@demo.matchmaker.cn": [
        "/dashboard", "/events", "/events/{docking}", "/events/{docking}/agenda", "/events/{docking}/requests",
        "/events/{roadshow}/pitches", "/inbox", "/enterprise/matches", "/enterprise/needs/{need}/matches",
        "/enterprise/innovation", "/enterprise/leads", "/needs", "/needs/{need}", "/profile", "/account"],
    "bank1@demo.matchmaker.cn": [
        "/dashboard", "/events", "/events/{docking}", "/events/{docking}/agenda", "/events/{docking}/requests",
        "/inbox", "/institution/matches", "/institution/products", "/institution/products/{product}",
        "/institution/products/{product}/matches", "/institution/leads", "/enterprises", "/enterprises/{enterprise}",
        "/account"],
    "fund@demo.matchmaker.cn": ["/dashboard", "/events/{roadshow}/pitches", "/institution/matches"],
}
ORGANIZER_PAGES = [
    "/dashboard", "/organizer/events", "/organizer/events/{docking}", "/organizer/events/{docking}/requests",
    "/organizer/events/{docking}/schedule", "/organizer/events/{roadshow}/pitches", "/organizer/events/{docking}/live",
    "/organizer/events/{docking}/venue", "/organizer/events/{docking}/table-plan", "/organizer/matching",
    "/organizer/outbox", "/organizer/audit", "/organizer/leads", "/organizer/policies", "/organizer/registry",
    "/organizer/import", "/organizer/checkin", "/reports", "/reports/programmes/{programme}",
    "/reports/events/{docking}", "/enterprises", "/products"]


async def _counts(client, demo) -> dict[tuple[str, str], int]:
    """Statements per (login, page). The compiled offer catalogue is cached per process and
    rebuilt only when publications change, so one matching page is opened first (steady state)."""
    counts = {}
    roles = [*PARTICIPANT_PAGES.items(), ("organizer@demo.matchmaker.cn", ORGANIZER_PAGES)]
    for email, pages in roles:
        client.cookies.clear()
        assert (await client.login(email, DEMO_PASSWORD)).status_code in (302, 303)
        assert (await client.get("/products")).status_code == 200
        assert (await client.get("/enterprise/matches" if email.startswith("e") else "/dashboard")).status_code == 200
        for page in pages:
            counts[email, page] = await statements(client, page.format(**demo))
    return counts


def _over(counts: dict[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    return {key: n for key, n in counts.items()
            if n > _budget(*key)}


def _budget(email: str, page: str) -> int:
    if email.startswith("organizer"):
        return ORGANIZER_BUDGET
    return PARTICIPANT_BUDGET


async def _more_rows(demo, n: int, tag: str) -> None:
    """n more enterprises at the docking event (profiles, needs, registrations), each asking
    bank1 and e01 asked by n more institutions with products; bank1 gets n more products and
    e01 n more needs in its registration: every list the pages show grows."""
    event = await Event.get(pk=demo["docking"])
    e01 = await Organization.get(pk=demo["enterprise"])
    bank = await Organization.get(memberships__user__email="bank1@demo.matchmaker.cn")
    e01_registration = await Registration.get(event=event, organization=e01)
    for i in range(n):
        enterprise = await factories.make_enterprise(f"加压企业{tag}{i}")
        need = await factories.make_need(enterprise)
        await factories.register(event, enterprise, needs=(need,))
        await MeetingRequest.create(event=event, enterprise=enterprise, institution=bank, from_enterprise=True,
                                    need=need)
        institution = await factories.make_institution(f"加压银行{tag}{i}")
        await factories.make_product(institution)
        await factories.register(event, institution)
        own_need = await factories.make_need(e01, title=f"加压需求{tag}{i}")
        e01_registration.need_ids = [*e01_registration.need_ids, own_need.pk]
        await MeetingRequest.create(event=event, enterprise=e01, institution=institution, from_enterprise=False,
                                    need=own_need)
        await factories.make_product(bank, name=f"加压产品{tag}{i}")
    await e01_registration.save()


async def test_every_key_page_stays_within_budget_whatever_the_number_of_rows(client, demo):
    on_demo = await _counts(client, demo)
    assert not _over(on_demo), on_demo
    # A page may skip statements when it has nothing to show (no open need to match, say), so
    # independence is shown between two loads that both have rows everywhere: +10, then +40 rows.
    await _more_rows(demo, 10, "a")
    more = await _counts(client, demo)
    assert not _over(more), more
    await _more_rows(demo, 30, "b")
    many = await _counts(client, demo)
    grew = {key: (more[key], n) for key, n in many.items() if n != more[key]}
    assert not grew, grew  # the same statements, whatever the number of rows
