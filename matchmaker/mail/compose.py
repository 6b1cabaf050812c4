"""Pure composition of the platform's emails: a context dataclass in, subject/text/HTML out.

Each email is ONE Jinja2 file under ``templates/emails/`` with three blocks, ``subject``,
``text`` and ``html``, rendered separately from the same template. Keeping the three in one file
means a translator or reviewer sees every version of a message side by side. The templates
branch on ``lang`` (``"zh"`` or ``"en"``) inside each block.

Only the HTML block is autoescaped: escaping the subject or the plain text would show
``&lt;`` to the reader. To get that, the same files are loaded by two environments that differ
only in ``autoescape``.

Callers (the publishing service, the request services) build the context dataclasses below from
ORM rows; nothing here touches the database. Datetimes in contexts must be timezone-aware; the
templates show them in Asia/Shanghai whatever zone they carry.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar, Literal, NamedTuple
from zoneinfo import ZoneInfo

import jinja2

SHANGHAI = ZoneInfo("Asia/Shanghai")
LANGUAGES = ("zh", "en")
DEFAULT_TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"

Language = Literal["zh", "en"]


# --- contexts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaLine:
    """One meeting as a participant sees it.

    `table` is the institution's table number for a one-on-one meeting and `label` the
    hall-wide label printed on the floor plan (A07), shown instead of the number when known;
    `hall` names a room (a roadshow hall, a side room) when the meeting is not at a numbered
    table. `topic` is the financing need or product the meeting is about.
    """

    start: datetime
    end: datetime
    counterpart: str
    topic: str
    table: int | None = None
    hall: str | None = None
    label: str = ""


@dataclass(frozen=True)
class Change:
    """How a meeting differs from the previous schedule version.

    `meeting` is the meeting as it is now (for ``added`` and ``moved``) or as it was (for
    ``cancelled``); `previous` is the meeting before a move and is None otherwise.
    """

    kind: Literal["added", "moved", "cancelled"]
    meeting: AgendaLine
    previous: AgendaLine | None = None


@dataclass(frozen=True)
class AgendaMail:
    """A participant's meetings in one published schedule version (``agenda.html``)."""

    TEMPLATE: ClassVar[str] = "agenda.html"
    participant_name: str
    event_title: str
    venue: str
    version: int
    meetings: Sequence[AgendaLine]
    agenda_url: str
    changes: Sequence[Change] = ()


@dataclass(frozen=True)
class RequestReceivedMail:
    """Someone asked the participant for a meeting (``request_received.html``)."""

    TEMPLATE: ClassVar[str] = "request_received.html"
    participant_name: str
    event_title: str
    requester: str
    topic: str
    respond_by: datetime | None  # the event's answer deadline; None when the event sets none
    respond_url: str
    note: str = ""


@dataclass(frozen=True)
class RequestAnsweredMail:
    """The participant's own request was accepted or declined (``request_answered.html``)."""

    TEMPLATE: ClassVar[str] = "request_answered.html"
    participant_name: str
    event_title: str
    counterpart: str
    topic: str
    accepted: bool
    requests_url: str
    reason: str = ""


@dataclass(frozen=True)
class RequestExpiredMail:
    """The participant's request got no answer before its expiry (``request_expired.html``)."""

    TEMPLATE: ClassVar[str] = "request_expired.html"
    participant_name: str
    event_title: str
    counterpart: str
    topic: str
    expired_at: datetime
    requests_url: str


@dataclass(frozen=True)
class MeetingCancelledMail:
    """One meeting of the participant was cancelled (``meeting_cancelled.html``)."""

    TEMPLATE: ClassVar[str] = "meeting_cancelled.html"
    participant_name: str
    event_title: str
    venue: str
    meeting: AgendaLine
    agenda_url: str
    reason: str = ""


@dataclass(frozen=True)
class ReminderMail:
    """The day before: the participant's meetings of `day` (``reminder.html``)."""

    TEMPLATE: ClassVar[str] = "reminder.html"
    participant_name: str
    event_title: str
    venue: str
    day: date
    meetings: Sequence[AgendaLine]
    agenda_url: str


# --- rendering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedEmail:
    """What the outbox stores and the MIME builder sends: one subject line, two bodies."""

    subject: str
    text: str
    html: str = field(repr=False)


class EmailTemplates(NamedTuple):
    """The two environments over the same files: plain for subject/text, escaping for HTML."""

    plain: jinja2.Environment
    html: jinja2.Environment


def build_email_templates(templates_dir: Path | str) -> EmailTemplates:
    """Environments loading ``<templates_dir>/emails/*.html``; the app passes its own path."""
    loader = jinja2.FileSystemLoader(str(templates_dir))
    common: dict[str, Any] = {
        "loader": loader,
        # An unknown name in a template is a bug to see in tests, not an empty string in a
        # mail that thousands of participants receive.
        "undefined": jinja2.StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": False,
    }
    plain = jinja2.Environment(autoescape=False, **common)
    html = jinja2.Environment(autoescape=True, **common)
    for environment in (plain, html):
        environment.filters.update(
            clock=format_clock, day=format_day, place=format_place, timespan=format_timespan
        )
    return EmailTemplates(plain=plain, html=html)


@functools.cache
def _default_templates() -> EmailTemplates:
    return build_email_templates(DEFAULT_TEMPLATES_DIR)


def render_email(
    template_name: str,
    context: Any,
    *,
    language: str = "zh",
    templates: EmailTemplates | None = None,
) -> RenderedEmail:
    """Render ``emails/<template_name>`` for one reader in `language` ("zh" or "en").

    `context` is one of the mail dataclasses above (its fields become template variables) or a
    plain mapping. `templates` defaults to the repository's ``templates/`` directory.
    Raises ValueError for an unknown language and jinja2 errors for template bugs, including a
    variable the template uses but the context lacks.
    """
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; expected one of {LANGUAGES}")
    templates = templates or _default_templates()
    variables = {**_as_variables(context), "lang": language}
    name = f"emails/{template_name}"
    subject = _render_block(templates.plain.get_template(name), "subject", variables)
    text = _render_block(templates.plain.get_template(name), "text", variables)
    html = _render_block(templates.html.get_template(name), "html", variables)
    # Headers are one line: template indentation or a newline must not split the subject.
    return RenderedEmail(
        subject=" ".join(subject.split()),
        text=_tidy_text(text),
        html=html.strip() + "\n",
    )


def _as_variables(context: Any) -> dict[str, Any]:
    if isinstance(context, Mapping):
        return dict(context)
    if dataclasses.is_dataclass(context) and not isinstance(context, type):
        # Shallow on purpose: nested dataclasses stay objects so templates use attributes.
        return {f.name: getattr(context, f.name) for f in dataclasses.fields(context)}
    raise TypeError(f"email context must be a dataclass or a mapping, not {type(context)!r}")


def _render_block(template: jinja2.Template, block: str, variables: dict[str, Any]) -> str:
    if block not in template.blocks:
        raise LookupError(f"template {template.name} has no {{% block {block} %}}")
    context = template.new_context(variables)
    return "".join(template.blocks[block](context))


def _tidy_text(text: str) -> str:
    """Strip trailing spaces and squeeze runs of blank lines that template branches leave."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


# --- filters: how times and places read in each language -----------------------------------

_WEEKDAYS_ZH = "一二三四五六日"
# Spelled out rather than strftime("%A %B"), which follows the process locale.
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


def _in_shanghai(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r} in an email context; give it a timezone")
    return moment.astimezone(SHANGHAI)


def format_clock(moment: datetime) -> str:
    """``09:00``: the wall-clock time in Asia/Shanghai."""
    return _in_shanghai(moment).strftime("%H:%M")


def format_day(value: date | datetime, lang: str) -> str:
    """``2026年12月8日（星期二）`` or ``Tuesday 8 December 2026`` (Asia/Shanghai date)."""
    day = _in_shanghai(value).date() if isinstance(value, datetime) else value
    if lang == "en":
        return f"{_WEEKDAYS_EN[day.weekday()]} {day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日（星期{_WEEKDAYS_ZH[day.weekday()]}）"


def format_timespan(line: AgendaLine, lang: str) -> str:
    """``2026年12月8日（星期二） 09:00–09:20``: day and times of a meeting."""
    return f"{format_day(line.start, lang)} {format_clock(line.start)}–{format_clock(line.end)}"


def format_place(line: AgendaLine, lang: str) -> str:
    """``桌号 A07`` / ``Table A07`` (the hall label), else ``第3桌`` / ``Table 3``, or the hall's
    name; a table wins when both are given."""
    if line.label:
        place = f"Table {line.label}" if lang == "en" else f"桌号 {line.label}"
        return f"{line.hall} {place}" if line.hall else place
    if line.table is not None:
        return f"Table {line.table}" if lang == "en" else f"第{line.table}桌"
    if line.hall:
        return line.hall
    return "To be announced" if lang == "en" else "待定"
