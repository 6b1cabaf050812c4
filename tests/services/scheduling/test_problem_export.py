"""The event as a matchmaker.schedule-problem/1 document that the solver's parser accepts."""

import json

from matchmaker.cli import main
from matchmaker.models import Availability, EnterpriseProfile, MeetingRequest, Priority, RequestState
from matchmaker.services.scheduling.problem_export import export_problem, request_weight
from matchmaker.solver.problem import parse_problem
from tests.services.events.factories import approve, make_event, make_need
from tests.factories import organization_of


def test_mutual_must_weighs_most_and_the_table_is_symmetric():
    assert request_weight(Priority.MUST, Priority.MUST) == 20
    assert request_weight(Priority.MUST, Priority.WANT) == request_weight(Priority.WANT, Priority.MUST) == 15
    assert request_weight(Priority.WANT, Priority.WANT) == 10
    assert request_weight(Priority.OK, Priority.OK) == 4


async def _event_with_meetings(make_organization, **changes):
    event = await make_event(await make_organization("government", is_organizer=True), **changes)
    enterprise = await organization_of(await make_organization("enterprise"))
    need = await make_need(enterprise)
    registration = await approve(event, enterprise, need_ids=[need.id])
    await Availability.create(registration=registration, session="2026-12-08-am", arrive_at="09:20")
    await Availability.create(registration=registration, session="2026-12-08-pm", attends=False)
    bank = await organization_of(await make_organization("bank"))
    await approve(event, bank, tables=2)
    unapproved_bank = await organization_of(await make_organization("bank"))
    await approve(event, unapproved_bank, tables=1)
    await unapproved_bank.registrations.all().update(status="pending")
    for institution in (bank, unapproved_bank):
        await MeetingRequest.create(event=event, enterprise=enterprise, institution=institution, need=need,
                                    from_enterprise=True, priority=Priority.MUST, answer_priority=Priority.WANT,
                                    state=RequestState.ACCEPTED)
    return event, enterprise, bank


async def test_export_lists_slots_availability_tables_caps_and_accepted_requests(client, make_organization):
    event, enterprise, bank = await _event_with_meetings(make_organization, max_meetings_per_enterprise="4")

    document = await export_problem(event)

    assert document["slots"][0] == {"id": "d1-0900", "start": "2026-12-08T09:00:00+08:00",
                                    "end": "2026-12-08T09:20:00+08:00"}
    assert document["enterprises"] == [{"id": f"E{enterprise.id}", "available": ["d1-0920", "d1-0940"],
                                        "max_meetings": 4}]
    assert document["institutions"] == [{"id": f"I{bank.id}", "tables": 2, "max_meetings": None,
                                         "available": ["d1-0900", "d1-0920", "d1-0940", "d1-1400", "d1-1420",
                                                       "d1-1440"]}]
    assert document["requests"] == [{"enterprise": f"E{enterprise.id}", "institution": f"I{bank.id}", "weight": 15,
                                     "after_pitch": False}]
    assert document["coverage_bonus"] == 10
    problem = parse_problem(document)
    assert [r.weight for r in problem.requests] == [15]


async def test_first_loan_enterprises_get_their_extra_share_on_their_requests(client, make_organization):
    event, enterprise, _ = await _event_with_meetings(make_organization)
    await EnterpriseProfile.create(organization=enterprise, first_loan=True)

    document = await export_problem(event)

    # coverage bonus 10 × 50 % = 5 extra, over one accepted request
    assert [r["weight"] for r in document["requests"]] == [20]


async def test_cli_writes_a_problem_file_the_parser_accepts(client, make_organization, settings, tmp_path,
                                                            monkeypatch):
    event, _, _ = await _event_with_meetings(make_organization)
    monkeypatch.setenv("MATCHMAKER_DATABASE_URL", settings.database_url)
    output = tmp_path / "problem.json"

    import asyncio
    code = await asyncio.to_thread(main, ["export-problem", str(event.id), "-o", str(output)])

    assert code == 0
    assert len(parse_problem(json.loads(output.read_text(encoding="utf-8"))).requests) == 1


async def test_organizer_downloads_the_problem_file(client, make_organization):
    event, _, _ = await _event_with_meetings(make_organization)
    organizer = await (await event.organizer).memberships.all().first().prefetch_related("user")
    await client.login(organizer.user.email)

    response = await client.get(f"/organizer/events/{event.id}/problem.json")

    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="event-{event.id}-problem.json"'
    assert len(parse_problem(response.json()).enterprises) == 1
