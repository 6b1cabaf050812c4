"""Who is asking: the signed-in user, their organization and role, resolved once per view."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from starlette.requests import Request

from matchmaker.errors import NotAllowed
from matchmaker.models import INSTITUTION_KINDS, Organization, OrganizationKind, Role, User
from matchmaker.services.accounts import organizations


class LoginRequired(Exception):
    """Raised by views for anonymous visitors; answered with a redirect to the login page."""

    def __init__(self, next_path: str, expired: bool) -> None:
        super().__init__(next_path)
        self.next_path = next_path
        self.expired = expired

    @property
    def location(self) -> str:
        return f"/login?next={quote(self.next_path, safe='/')}" + ("&expired=1" if self.expired else "")


@dataclass(frozen=True)
class Viewer:
    user: User
    organization: Organization
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_staff(self) -> bool:
        """现场工作人员: an organizer's event staff, who may use the check-in desk and nothing else."""
        return self.role == Role.STAFF

    @property
    def audience(self) -> str:
        """Which dashboard and navigation this viewer gets: organizer | staff | enterprise | institution."""
        if self.organization.is_organizer:
            return "staff" if self.is_staff else "organizer"
        if self.organization.kind == OrganizationKind.ENTERPRISE:
            return "enterprise"
        if self.organization.kind in INSTITUTION_KINDS:
            return "institution"
        return "government"


STAFF_ONLY = "现场工作人员账号只能使用签到台 (event staff may use the check-in desk only)"


async def viewer_of(request: Request, *, staff_ok: bool = False) -> Viewer:
    """The signed-in viewer. Event staff are refused unless the page says `staff_ok`: the role
    is kept out of every page by default, not let in and then fenced."""
    user: User | None = request.state.user
    if user is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(path if request.method == "GET" else "/dashboard", request.state.session_expired)
    membership = await organizations.membership_of(user)
    if membership is None:
        raise LoginRequired("/dashboard", expired=True)
    viewer = Viewer(user=user, organization=membership.organization, role=membership.role)
    request.state.audience = viewer.audience  # the navigation shows this audience's links
    if viewer.is_staff and not staff_ok:
        raise NotAllowed(STAFF_ONLY)
    return viewer


async def organizer_of(request: Request) -> Viewer:
    viewer = await viewer_of(request)
    if not viewer.organization.is_organizer:
        raise NotAllowed("此页面仅对组织方开放 (organizers only)")
    return viewer


async def event_staff_of(request: Request) -> Viewer:
    """An organizer's member of any role, event staff (现场工作人员) included: the check-in desk."""
    viewer = await viewer_of(request, staff_ok=True)
    if not viewer.organization.is_organizer:
        raise NotAllowed("此页面仅对组织方及现场工作人员开放 (organizers and event staff only)")
    return viewer


def safe_next(target: str | None) -> str:
    """Only same-site paths are followed after login (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/dashboard"


async def enterprise_of(request: Request) -> Viewer:
    viewer = await viewer_of(request)
    if viewer.audience != "enterprise":
        raise NotAllowed("此页面仅对企业开放 (enterprises only)")
    return viewer


async def institution_of(request: Request) -> Viewer:
    viewer = await viewer_of(request)
    if viewer.audience != "institution":
        raise NotAllowed("此页面仅对金融与投资机构开放 (institutions only)")
    return viewer


async def institution_or_organizer_of(request: Request) -> Viewer:
    viewer = await viewer_of(request)
    if viewer.audience not in ("institution", "organizer"):
        raise NotAllowed("此页面仅对金融机构和组织方开放 (institutions and organizers only)")
    return viewer
