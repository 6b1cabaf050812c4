"""Which audience may open a page: the viewer resolved once, refused with 403 otherwise."""

from __future__ import annotations

from starlette.requests import Request

from matchmaker.errors import NotAllowed
from matchmaker.web.auth import Viewer, viewer_of


async def enterprise_of(request: Request) -> Viewer:
    viewer = await viewer_of(request)
    if viewer.audience != "enterprise":
        raise NotAllowed("此页面仅对企业开放 (enterprises only)")
    return viewer


async def institution_of(request: Request) -> Viewer:
    viewer = await viewer_of(request)
    if viewer.audience != "institution":
        raise NotAllowed("此页面仅对金融机构开放 (institutions only)")
    return viewer


async def institution_or_organizer_of(request: Request) -> Viewer:
    viewer = await viewer_of(request)
    if viewer.audience not in ("institution", "organizer"):
        raise NotAllowed("此页面仅对金融机构和组织方开放")
    return viewer
