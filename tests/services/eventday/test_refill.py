"""The refill keeps every past and current meeting (checked by solver/check.py), drops the
absent, and fills freed slots only with checked-in participants."""

from __future__ import annotations

from matchmaker.models import (Meeting, MeetingState, Notification, OutboxMail, RunState, ScheduleVersion,
                               VersionState)
from matchmaker.services.eventday import refill
from matchmaker.services.scheduling.solver_runs import wait_for_run
from matchmaker.solver.check import check
from matchmaker.solver.problem import parse_problem
from matchmaker.solver.solution import parse_solution
from tests.factories import organization_of
from tests.services.eventday.day import at, check_in, publish
from tests.services.events.factories import approve
from tests.services.scheduling.factories import accept, seeded_event


async def test_refill_keeps_the_past_drops_the_absent_and_fills_with_checked_in_participants_only(
        client, make_organization):
    seeded = await seeded_event(make_organization)
    published = await publish(seeded)
    now = at("09:25")
    early = await Meeting.filter(version=published, starts_at__lte=now).order_by("starts_at", "id").first()
    absent = next(e for e in seeded.enterprises if e.pk == early.enterprise_id)
    present = [e for e in seeded.enterprises if e.pk != absent.pk]
    walk_in = await organization_of(await make_organization("enterprise", name="现场报名企业"))
    late = await organization_of(await make_organization("enterprise", name="未签到企业"))
    for newcomer in (walk_in, late):
        await approve(seeded.event, newcomer)
        await accept(seeded.event, newcomer, seeded.bank)
    await check_in(seeded.event, *present, walk_in, seeded.bank, seeded.guarantor)
    before = await Meeting.filter(version=published).order_by("id")

    run = await wait_for_run(await refill.start_refill(seeded.event, by=seeded.organizer, now=now, time_limit=2))
    changes = await refill.refill_changes(run)
    await refill.apply_refill(run, by=seeded.organizer, now=now)

    assert run.state == RunState.DONE, run.error
    assert check(parse_problem(run.problem), parse_solution(run.solution)) == []
    assert run.problem["refill"]["absent"] == [absent.pk] and run.problem["refill"]["pending"] == [late.pk]
    new = await ScheduleVersion.get(event=seeded.event, state=VersionState.PUBLISHED)
    assert new.published_number == 2
    after = {(m.enterprise_id, m.institution_id): m for m in await Meeting.filter(version=new)}
    for m in before:  # past and current meetings stay exactly where they were
        if m.starts_at <= now:
            kept = after[(m.enterprise_id, m.institution_id)]
            assert (kept.slot, kept.table) == (m.slot, m.table)
            if absent.pk == m.enterprise_id:
                assert (kept.state, kept.absent_side) == (MeetingState.NO_SHOW, "enterprise")
    future = [m for m in after.values() if m.starts_at > now]
    assert not [m for m in future if m.enterprise_id == absent.pk]
    assert (walk_in.pk, seeded.bank.pk) in after and (late.pk, seeded.bank.pk) not in after
    gained = {c.organization_id for c in changes if c.added}
    assert gained == {walk_in.pk, seeded.bank.pk}
    assert not any(c.organization_id == late.pk for c in changes)
    mailed = {int(key.split(":")[2]) for key in await OutboxMail.filter(kind="agenda", idempotency_key__endswith=":v2")
              .values_list("idempotency_key", flat=True)}
    noticed = set(await Notification.filter(kind="schedule.published", text__contains="第 2 版")
                  .values_list("organization_id", flat=True))
    assert mailed == noticed == {c.organization_id for c in changes}


async def test_the_plan_counts_absent_pending_and_present(client, make_organization):
    seeded = await seeded_event(make_organization)
    await publish(seeded)
    await check_in(seeded.event, *seeded.enterprises[1:], seeded.bank, seeded.guarantor)

    plan = await refill.refill_plan(seeded.event, now=at("08:50"))
    later = await refill.refill_plan(seeded.event, now=at("10:30"))

    assert (len(plan.absent), len(plan.pending), plan.present, plan.frozen) == (0, 1, 5, [])
    assert ([o.pk for o in later.absent], later.pending, later.present) == ([seeded.enterprises[0].pk], [], 5)
    assert later.frozen == ["d1-0900", "d1-0920", "d1-0940"]
