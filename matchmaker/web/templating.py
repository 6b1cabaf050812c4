"""The Jinja2 environment shared by pages (and, later, e-mails)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from matchmaker.config import PROJECT_ROOT
from matchmaker.web import i18n

TEMPLATES_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_time(value: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """Every time on a page is shown in Asia/Shanghai."""
    if value is None:
        return ""
    return value.astimezone(SHANGHAI).strftime(pattern)


def wan_yuan(value: int | None) -> str:
    """Amounts are stored as integer 元 and shown in 万元."""
    if value is None:
        return ""
    return f"{value / 10_000:,.2f}".rstrip("0").rstrip(".")


def session_label(session) -> str:
    """A session's day and half-day in the page's language: 12月8日上午 / Tue 8 Dec, morning."""
    return session.label_in(i18n.current_language.get())


WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_label(value: date | datetime) -> str:
    """A calendar day in the page's language: 12月8日 / Tue 8 Dec (a datetime in Asia/Shanghai)."""
    day = value.astimezone(SHANGHAI).date() if isinstance(value, datetime) else value
    if i18n.current_language.get() == "en":
        return f"{WEEKDAYS_EN[day.weekday()]} {day.day} {MONTHS_EN[day.month - 1]}"
    return f"{day.month}月{day.day}日"


@lru_cache(maxsize=256)
def _static_version(path: str) -> str:
    """A static file's URL with its version, looked up once per process (a deployment that
    changes static files restarts the server), not with two stat calls per link and page."""
    file = STATIC_DIR / path
    return f"/static/{path}?v={int(file.stat().st_mtime)}" if file.exists() else f"/static/{path}"


def build_environment(directory: Path = TEMPLATES_DIR) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Compiled once per process: no stat of every template, include and import on each page
        # (a page includes dozens). Templates change with a deployment, which restarts the server.
        auto_reload=False,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["local_time"] = local_time
    env.filters["wan_yuan"] = wan_yuan
    env.globals["static"] = _static_version
    env.globals["language_names"] = i18n.LANGUAGE_NAMES
    env.filters["one_language"] = i18n.one_language
    env.filters["said"] = i18n.said
    # a catalog word held in data (a registry column's header): gettext without the %-formatting
    # that `_()` applies in templates ("研发人员占比（%）" is a header, not a format)
    env.filters["translated"] = i18n.gettext
    env.filters["session_label"] = session_label
    env.filters["day_label"] = day_label
    return env


def _request_context(request: Request) -> dict:
    state = request.state
    return {
        "current_user": getattr(state, "user", None),
        "current_language": getattr(state, "language", i18n.SOURCE_LANGUAGE),
        "current_audience": getattr(state, "audience", ""),  # set by auth.viewer_of
        "csrf_token": request.scope["csrftoken"]() if "csrftoken" in request.scope else "",
    }


def build_templates() -> Jinja2Templates:
    return Jinja2Templates(env=build_environment(), context_processors=[_request_context])
