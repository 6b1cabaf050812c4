"""The organizer's schedule pages: fairness settings, solver runs with live progress (server-sent
events), drafts as a grid and per participant, hand edits, comparison, publication, repair."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from matchmaker.errors import InvalidInput
from matchmaker.models import Event, RunState, ScheduleRun
from matchmaker.services.events import setup as event_service
from matchmaker.services.scheduling import versions as scheduling
from matchmaker.services.scheduling.grid import version_view
from matchmaker.services.scheduling.solver_runs import is_stale
from matchmaker.services.scheduling.staleness import published_staleness
from matchmaker.web.auth import Viewer, organizer_of
from matchmaker.web.forms import form_fields
from matchmaker.web.i18n import N_, gettext
from matchmaker.web.pages import redirect, render

POLL_SECONDS = 0.5
DEFAULT_TIME_LIMIT = 10
#: The solver's phase names (matchmaker.solver.solve) as an organizer reads them.
PHASE_LABELS = {"construct": N_("初步排程"), "bound": N_("计算理论上限"), "exact": N_("精确求解"),
                "lns": N_("逐步改进"), "repack": N_("整理空档"), "done": N_("完成")}
#: Why the solver stopped (its stats.stopped) as an organizer reads it.
STOPPED_LABELS = {"optimal": N_("已达最优，提前结束"), "stalled": N_("已无改进，提前结束"),
                  "time limit": N_("已用完时间上限")}


async def _event(request: Request) -> tuple[Viewer, Event]:
    viewer = await organizer_of(request)
    return viewer, await event_service.organizer_event(viewer.organization, request.path_params["event_id"])


def _base(event: Event) -> str:
    return f"/organizer/events/{event.id}/schedule"


def _number(values: dict[str, str], name: str, default: float) -> float:
    try:
        return float(values.get(name, "") or default)
    except ValueError:
        raise InvalidInput({name: "请填写数字"}) from None


async def schedule_page(request: Request, *, problems: dict[str, str] | None = None, values: dict | None = None,
                        status_code: int = 200) -> Response:
    viewer, event = await _event(request)
    return render(request, "scheduling/overview.html", {
        "viewer": viewer, "event": event, "fairness": scheduling.FairnessSettings.of(event),
        "runs": await scheduling.recent_runs(event), "versions": await scheduling.event_versions(event),
        "published": await scheduling.published_version(event), "problems": problems or {}, "values": values or {},
        "default_time_limit": DEFAULT_TIME_LIMIT, "staleness": await published_staleness(event),
    }, status_code=status_code)


async def update_fairness(request: Request) -> Response:
    viewer, event = await _event(request)
    values = await form_fields(request)
    try:
        await scheduling.update_fairness(event, scheduling.read_fairness_form(values), by=viewer.user)
    except InvalidInput as error:
        return await schedule_page(request, problems=error.problems, values=values, status_code=400)
    return redirect(_base(event) + "?saved=1")


async def start_run(request: Request) -> Response:
    viewer, event = await _event(request)
    values = await form_fields(request)
    try:
        run = await scheduling.start_run(event, by=viewer.user,
                                         time_limit=_number(values, "time_limit", DEFAULT_TIME_LIMIT),
                                         seed=int(_number(values, "seed", 0)))
    except InvalidInput as error:
        return await schedule_page(request, problems=error.problems, values=values, status_code=400)
    return redirect(f"{_base(event)}/runs/{run.id}")


def _gap_percent(objective: int, bound: int | None) -> float | None:
    return round(100 * (bound - objective) / bound, 2) if bound else (0.0 if bound == 0 else None)


def progress_points(run: ScheduleRun) -> list[dict[str, Any]]:
    """The run's progress as the page plots it: time share of the limit, objective, bound, gap."""
    return [{**p, "gap": _gap_percent(p["objective"], p["bound"]),
             "phase_label": gettext(PHASE_LABELS[p["phase"]]) if p["phase"] in PHASE_LABELS else p["phase"],
             "percent": min(99, round(100 * p["seconds"] / run.time_limit))} for p in run.progress]


def run_summary(run: ScheduleRun) -> dict[str, Any]:
    state = RunState.FAILED if is_stale(run) else run.state
    summary: dict[str, Any] = {"state": state.value, "percent": 100 if state != RunState.RUNNING else None,
                               "error": run.error or ("求解被中断 (the run was interrupted)" if is_stale(run) else "")}
    if run.solution:
        solution = run.solution
        summary.update(objective=solution["objective"], bound=solution["upper_bound"],
                       gap=_gap_percent(solution["objective"], solution["upper_bound"]),
                       meetings=len(solution["meetings"]), unscheduled=len(solution["unscheduled"]),
                       idle_gaps=solution["stats"].get("idle_gaps"), status=solution["status"])
        stopped = solution["stats"].get("stopped")
        if stopped:
            summary.update(stopped=stopped, stopped_label=gettext(STOPPED_LABELS.get(stopped, stopped)))
    return summary


async def run_page(request: Request) -> Response:
    viewer, event = await _event(request)
    run = await scheduling.event_run(event, request.path_params["run_id"])
    return render(request, "scheduling/run.html", {
        "viewer": viewer, "event": event, "run": run, "points": progress_points(run), "summary": run_summary(run),
        "draft": await scheduling.draft_of_run(run),
    })


def _sse(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def run_events(request: Request) -> Response:
    """Server-sent events: one `progress` event per recorded point, then `done` with the result.
    Polls the run row, so it works from any app process, whichever one runs the solver."""
    _, event = await _event(request)
    run = await scheduling.event_run(event, request.path_params["run_id"])

    async def stream() -> AsyncIterator[str]:
        sent = 0
        current = run
        while True:
            points = progress_points(current)
            for data in points[sent:]:
                yield _sse("progress", data)
            sent = len(points)
            summary = run_summary(current)
            if summary["state"] != RunState.RUNNING.value:
                yield _sse("done", summary)
                return
            await asyncio.sleep(POLL_SECONDS)
            current = await scheduling.reloaded_run(run)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"cache-control": "no-cache", "x-accel-buffering": "no"})


async def save_draft(request: Request) -> Response:
    viewer, event = await _event(request)
    run = await scheduling.event_run(event, request.path_params["run_id"])
    version = await scheduling.save_draft(run, by=viewer.user)
    return redirect(f"{_base(event)}/versions/{version.id}")


async def version_page(request: Request, *, move_error: str = "", status_code: int = 200) -> Response:
    viewer, event = await _event(request)
    version = await scheduling.event_version(event, request.path_params["version_id"])
    current, changes = await scheduling.publication_preview(version)
    return render(request, "scheduling/version.html", {
        "viewer": viewer, "event": event, "version": version, "view": await version_view(version),
        "current": current, "changes": changes, "move_error": move_error,
        "versions": await scheduling.event_versions(event),
        "staleness": await published_staleness(event) if version.state.value == "published" else None,
    }, status_code=status_code)


async def lock_meeting(request: Request) -> Response:
    viewer, event = await _event(request)
    version = await scheduling.event_version(event, request.path_params["version_id"])
    values = await form_fields(request)
    await scheduling.lock_meeting(version, request.path_params["meeting_id"], locked=values.get("locked") == "1",
                                  by=viewer.user)
    return redirect(f"{_base(event)}/versions/{version.id}#grid")


async def move_meeting(request: Request) -> Response:
    viewer, event = await _event(request)
    version = await scheduling.event_version(event, request.path_params["version_id"])
    values = await form_fields(request)
    table = values.get("table", "").strip()
    try:
        await scheduling.move_meeting(version, request.path_params["meeting_id"], slot=values.get("slot", ""),
                                      table=int(table) if table.isdigit() else None, by=viewer.user)
    except InvalidInput as error:
        return await version_page(request, move_error=error.message, status_code=400)
    return redirect(f"{_base(event)}/versions/{version.id}?moved=1#grid")


async def publish(request: Request) -> Response:
    viewer, event = await _event(request)
    version = await scheduling.event_version(event, request.path_params["version_id"])
    values = await form_fields(request)
    replaces = values.get("replaces", "").strip()
    changes = await scheduling.publish_version(version, by=viewer.user,
                                               replaces=int(replaces) if replaces.isdigit() else None)
    return redirect(f"{_base(event)}/versions/{version.id}?published={len(changes)}")


async def repair(request: Request) -> Response:
    viewer, event = await _event(request)
    version = await scheduling.event_version(event, request.path_params["version_id"])
    values = await form_fields(request)
    run = await scheduling.repair_run(event, version, by=viewer.user,
                                      time_limit=_number(values, "time_limit", 5))
    return redirect(f"{_base(event)}/runs/{run.id}")


async def compare(request: Request) -> Response:
    viewer, event = await _event(request)
    before = await scheduling.event_version(event, request.query_params.get("a"))
    after = await scheduling.event_version(event, request.query_params.get("b"))
    return render(request, "scheduling/compare.html", {
        "viewer": viewer, "event": event, "before": before, "after": after,
        "changes": await scheduling.compare_versions(before, after),
    })
