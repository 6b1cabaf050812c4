"""项目库 for the enterprise: list, create, edit and move its financing needs along."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.errors import InvalidInput
from matchmaker.services.registry import needs
from matchmaker.web.auth import enterprise_of
from matchmaker.web.forms import form_fields
from matchmaker.web.pages import redirect, render


async def _values(request: Request) -> dict[str, str]:
    values = await form_fields(request)
    values["collateral"] = "、".join((await request.form()).getlist("collateral"))
    return values


async def _form(request: Request, viewer, *, need=None, values: dict, problems: dict,
                status_code: int = 200) -> Response:
    declared = await needs.need_custom_fields()
    return render(request, "registry/needs/form.html", {"viewer": viewer, "need": need,
                                                        "columns": needs.need_columns(declared),
                                                        "values": values, "problems": problems}, status_code=status_code)


async def need_list(request: Request) -> Response:
    viewer = await enterprise_of(request)
    return render(request, "registry/needs/list.html", {
        "viewer": viewer, "needs": await needs.needs_of(viewer.organization), "kinds": needs.KINDS,
        "status_labels": needs.STATUS_LABELS, "next_statuses": needs.NEXT_STATUSES,
        "notice": request.query_params.get("notice", ""),
    })


async def new_need_form(request: Request) -> Response:
    viewer = await enterprise_of(request)
    return await _form(request, viewer, values={"urgency": "一般"}, problems={})


async def create_need(request: Request) -> Response:
    viewer = await enterprise_of(request)
    values = await _values(request)
    try:
        await needs.create_need(viewer.organization, raw=values, by=viewer.user)
    except InvalidInput as error:
        return await _form(request, viewer, values=values, problems=error.problems, status_code=400)
    return redirect("/needs?notice=created")


async def edit_need_form(request: Request) -> Response:
    viewer = await enterprise_of(request)
    need = await needs.need_of(viewer.organization, request.path_params["need_id"])
    return await _form(request, viewer, need=need, values=needs.form_values(need, await needs.need_custom_fields()),
                       problems={})


async def update_need(request: Request) -> Response:
    viewer = await enterprise_of(request)
    need = await needs.need_of(viewer.organization, request.path_params["need_id"])
    values = await _values(request)
    try:
        await needs.update_need(viewer.organization, need.id, raw=values, by=viewer.user)
    except InvalidInput as error:
        return await _form(request, viewer, need=need, values=values, problems=error.problems, status_code=400)
    return redirect("/needs?notice=updated")


async def change_status(request: Request) -> Response:
    viewer = await enterprise_of(request)
    values = await form_fields(request)
    await needs.change_status(viewer.organization, request.path_params["need_id"], status=values.get("status", ""),
                              by=viewer.user)
    return redirect("/needs?notice=status")
