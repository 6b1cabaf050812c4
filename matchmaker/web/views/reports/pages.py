"""统计报表: the statistics pages of an event or a programme, their Excel and Word downloads,
programme set-up, and the 考核 ranking. Partner departments read; organizers also write."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.errors import InvalidInput, NotAllowed
from matchmaker.services.reports import assessment as assessment_service
from matchmaker.services.reports import programmes as programme_service
from matchmaker.services.reports import statistics as statistics_service
from matchmaker.services.reports.excel import BREAKDOWN_HEADERS, breakdown_values, build_workbook
from matchmaker.services.reports.figures import headline_lines, wan
from matchmaker.services.reports.word import build_report
from matchmaker.stats.assessment import DEFAULT_WEIGHTS, INDICATORS, formula
from matchmaker.stats.labels import DIMENSION_LABELS, STAGE_LABELS
from matchmaker.web.auth import Viewer, organizer_of, viewer_of
from matchmaker.web.forms import form_fields, redisplayable
from matchmaker.web.pages import redirect, render

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def _reader_of(request: Request) -> Viewer:
    """Organizers and partner departments read statistics; institutions only their 考核."""
    viewer = await viewer_of(request)
    if viewer.audience not in ("organizer", "government"):
        raise NotAllowed("统计报表仅对组织方和合作部门开放 (organizers and partner departments only)")
    return viewer


async def index(request: Request) -> Response:
    viewer = await viewer_of(request)
    context: dict = {"audience": viewer.audience}
    if viewer.audience == "organizer":
        context["programmes"] = await programme_service.list_programmes(viewer.organization)
        context["events"] = await programme_service.events_for_choice(viewer.organization)
    elif viewer.audience == "government":
        context["programmes"] = await programme_service.partner_programmes(viewer.organization)
    elif viewer.audience == "institution":
        context["programmes"] = await assessment_service.institution_programmes(viewer.organization)
    else:
        raise NotAllowed("统计报表不对企业开放 (not for enterprises)")
    return render(request, "reports/index.html", context)


def _chart_data(stats) -> dict:
    h = stats.headline
    top = stats.breakdowns["institution"].rows[:12]
    return {
        "funnel": [{"name": STAGE_LABELS[s.stage], "value": s.leads} for s in h.funnel],
        "trend": {"months": [p.month for p in stats.trend],
                  "disbursed": [wan(p.disbursed.recorded.amount) for p in stats.trend],
                  "approved": [wan(p.approved.recorded.amount) for p in stats.trend],
                  "meetings": [p.meetings_held for p in stats.trend]},
        "institutions": {"names": [r.label for r in top][::-1],
                         "disbursed": [wan(r.disbursed.split.recorded.amount) for r in top][::-1],
                         "approved": [wan(r.approved.recorded.amount) for r in top][::-1]},
    }


async def _statistics_page(request: Request, scope) -> Response:
    period_text = request.query_params.get("period", "")
    try:
        period = statistics_service.period_of(scope, period_text)
        status = 200
        problems: dict = {}
    except InvalidInput as error:
        period, status, problems = scope.default_period, 400, error.problems
    stats = await statistics_service.compute(scope, period)
    base = f"/reports/{scope.kind}s/{scope.id}"
    query = f"?period={quote(period.label)}"
    return render(request, "reports/statistics.html", {
        "stats": stats, "scope": scope, "lines": headline_lines(stats.headline), "charts": _chart_data(stats),
        "breakdowns": [(DIMENSION_LABELS[d], part, [breakdown_values(r) for r in part.rows],
                        breakdown_values(part.total)) for d, part in stats.breakdowns.items()],
        "breakdown_headers": BREAKDOWN_HEADERS, "stage_labels": STAGE_LABELS, "wan": wan,
        "period_text": period_text or period.label, "problems": problems, "base": base, "query": query,
        "formula": formula(stats.weights),
    }, status_code=status)


async def programme_statistics(request: Request) -> Response:
    viewer = await _reader_of(request)
    scope = await statistics_service.programme_scope(viewer.organization, request.path_params["programme_id"])
    return await _statistics_page(request, scope)


async def event_statistics(request: Request) -> Response:
    viewer = await _reader_of(request)
    scope = await statistics_service.event_scope(viewer.organization, request.path_params["event_id"])
    return await _statistics_page(request, scope)


async def _scope_for_download(request: Request, *, details: bool = False):
    viewer = await _reader_of(request)
    if "programme_id" in request.path_params:
        scope = await statistics_service.programme_scope(viewer.organization, request.path_params["programme_id"])
    else:
        scope = await statistics_service.event_scope(viewer.organization, request.path_params["event_id"])
    period = statistics_service.period_of(scope, request.query_params.get("period", ""))
    # The workbook's per-lead sheet is the organizer's only (never a partner department's).
    return scope, await statistics_service.compute(scope, period, details=details and scope.is_organizer)


def _attachment(body: bytes, media_type: str, name: str) -> Response:
    return Response(body, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename=report.{name.rsplit('.', 1)[1]}; filename*=UTF-8''{quote(name)}"})


async def download_xlsx(request: Request) -> Response:
    scope, stats = await _scope_for_download(request, details=True)
    body = build_workbook(stats, with_details=scope.is_organizer)
    return _attachment(body, XLSX, f"{scope.title}-{stats.period.label}.xlsx")


async def download_docx(request: Request) -> Response:
    _, stats = await _scope_for_download(request)
    return _attachment(build_report(stats, now=datetime.now(UTC)), DOCX,
                       f"{stats.scope.title}-{stats.period.label}-通报.docx")


# -- programmes ---------------------------------------------------------------------------------

async def _programme_form(request: Request, viewer: Viewer, values: dict, problems: dict, *,
                          programme=None, chosen: set[int] = frozenset(), status_code: int = 200) -> Response:
    partners = await programme_service.partners_of(programme) if programme else []
    return render(request, "reports/programme_form.html", {
        "programme": programme, "values": values, "problems": problems, "chosen": chosen,
        "events": await programme_service.events_for_choice(viewer.organization), "partners": partners,
        "departments": await programme_service.government_organizations(viewer.organization),
    }, status_code=status_code)


def _event_ids(form) -> list[int]:
    ids = []
    for raw in form.getlist("event_ids"):
        try:
            ids.append(int(raw))
        except ValueError:
            raise InvalidInput({"event_ids": "所选活动不存在"}) from None
    return ids


async def new_programme_form(request: Request) -> Response:
    viewer = await organizer_of(request)
    return await _programme_form(request, viewer, {}, {})


async def create_programme(request: Request) -> Response:
    viewer = await organizer_of(request)
    form = await request.form()
    values = await form_fields(request)
    try:
        ids = _event_ids(form)
        draft = programme_service.read_programme_form(values)
        programme = await programme_service.create_programme(viewer.organization, draft=draft, event_ids=ids,
                                                             by=viewer.user)
    except InvalidInput as error:
        return await _programme_form(request, viewer, redisplayable(values), error.problems,
                                     chosen={int(i) for i in form.getlist("event_ids") if i.isdigit()},
                                     status_code=400)
    return redirect(f"/reports/programmes/{programme.pk}")


async def edit_programme_form(request: Request) -> Response:
    viewer = await organizer_of(request)
    programme = await programme_service.get_programme(viewer.organization, request.path_params["programme_id"])
    values = {"name": programme.name, "starts_on": programme.starts_on.isoformat(),
              "ends_on": programme.ends_on.isoformat(), "description": programme.description}
    return await _programme_form(request, viewer, values, {}, programme=programme,
                                 chosen=set(await programme_service.event_ids_of(programme)))


async def update_programme(request: Request) -> Response:
    viewer = await organizer_of(request)
    programme = await programme_service.get_programme(viewer.organization, request.path_params["programme_id"])
    form = await request.form()
    values = await form_fields(request)
    try:
        ids = _event_ids(form)
        draft = programme_service.read_programme_form(values)
        await programme_service.update_programme(viewer.organization, programme.pk, draft=draft, event_ids=ids,
                                                 by=viewer.user)
    except InvalidInput as error:
        return await _programme_form(request, viewer, redisplayable(values), error.problems, programme=programme,
                                     chosen={int(i) for i in form.getlist("event_ids") if i.isdigit()},
                                     status_code=400)
    return redirect(f"/reports/programmes/{programme.pk}")


async def delete_programme(request: Request) -> Response:
    viewer = await organizer_of(request)
    await programme_service.delete_programme(viewer.organization, request.path_params["programme_id"], by=viewer.user)
    return redirect("/reports")


async def add_partner(request: Request) -> Response:
    viewer = await organizer_of(request)
    programme_id = request.path_params["programme_id"]
    values = await form_fields(request)
    try:
        await programme_service.add_partner(viewer.organization, programme_id, values.get("partner_id", ""),
                                            by=viewer.user)
    except InvalidInput as error:
        programme = await programme_service.get_programme(viewer.organization, programme_id)
        current = {"name": programme.name, "starts_on": programme.starts_on.isoformat(),
                   "ends_on": programme.ends_on.isoformat(), "description": programme.description}
        return await _programme_form(request, viewer, current, error.problems, programme=programme,
                                     chosen=set(await programme_service.event_ids_of(programme)), status_code=400)
    return redirect(f"/reports/programmes/{programme_id}/edit")


async def remove_partner(request: Request) -> Response:
    viewer = await organizer_of(request)
    programme_id = request.path_params["programme_id"]
    await programme_service.remove_partner(viewer.organization, programme_id, request.path_params["partner_id"],
                                           by=viewer.user)
    return redirect(f"/reports/programmes/{programme_id}/edit")


# -- 考核 ---------------------------------------------------------------------------------------

async def assessment_page(request: Request, *, problems: dict | None = None, values: dict | None = None,
                          status_code: int = 200) -> Response:
    viewer = await viewer_of(request)
    programme_id = request.path_params["programme_id"]
    if viewer.audience == "institution":
        programme = await assessment_service.institution_programme(viewer.organization, programme_id)
        scope = await statistics_service.institution_scope(programme)
    elif viewer.audience in ("organizer", "government"):
        scope = await statistics_service.programme_scope(viewer.organization, programme_id)
    else:
        raise NotAllowed("考核仅对组织方、合作部门和金融机构开放")
    try:
        period = statistics_service.period_of(scope, request.query_params.get("period", ""))
    except InvalidInput as error:
        period, problems, status_code = scope.default_period, {**(problems or {}), **error.problems}, 400
    stats = await statistics_service.compute(scope, period)
    own = (assessment_service.own_standing(stats.ranking, viewer.organization)
           if viewer.audience == "institution" else None)
    weights = stats.weights
    return render(request, "reports/assessment.html", {
        "scope": scope, "stats": stats, "own": own, "indicators": INDICATORS, "weights": weights,
        "weight_values": values or {f"w_{i.key}": f"{weights.get(i.key, 0):g}" for i in INDICATORS},
        "defaults": DEFAULT_WEIGHTS, "formula": formula(weights), "problems": problems or {},
        "can_edit": scope.is_organizer, "period_text": period.label,
    }, status_code=status_code)


async def assessment(request: Request) -> Response:
    return await assessment_page(request)


async def save_weights(request: Request) -> Response:
    viewer = await organizer_of(request)
    programme_id = request.path_params["programme_id"]
    values = await form_fields(request)
    try:
        weights = (dict(DEFAULT_WEIGHTS) if values.get("reset")
                   else assessment_service.read_weights_form(values))
        await assessment_service.set_weights(viewer.organization, programme_id, weights, by=viewer.user)
    except InvalidInput as error:
        await programme_service.get_programme(viewer.organization, programme_id)
        return await assessment_page(request, problems=error.problems, values=redisplayable(values),
                                     status_code=400)
    return redirect(f"/reports/programmes/{programme_id}/assessment")
