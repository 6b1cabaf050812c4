"""The schedule: solution dataclasses and the `matchmaker.schedule-solution/1` JSON format."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SOLUTION_FORMAT = "matchmaker.schedule-solution/1"
STATUSES = ("optimal", "feasible", "infeasible")


class SolutionError(ValueError):
    """A solution file that cannot be read back."""


@dataclass(frozen=True)
class Meeting:
    enterprise: str
    institution: str
    slot: str
    table: int


@dataclass(frozen=True)
class Unscheduled:
    enterprise: str
    institution: str
    reason: str


@dataclass(frozen=True)
class Solution:
    """A schedule, or `status == "infeasible"` with `reason` and no meetings.

    `objective` is the sum of the weights of met requests plus the coverage bonus per enterprise
    with a meeting; `upper_bound` is a proven bound on it (None when infeasible). `stats` holds
    seconds, idle_gaps, enterprise_idle_gaps, institution_idle_gaps, gap and solver details.
    """

    status: str
    objective: int
    upper_bound: int | None
    meetings: tuple[Meeting, ...]
    unscheduled: tuple[Unscheduled, ...] = ()
    stats: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None


def solution_to_dict(solution: Solution) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": SOLUTION_FORMAT,
        "status": solution.status,
        "objective": solution.objective,
        "upper_bound": solution.upper_bound,
        "meetings": [{"enterprise": m.enterprise, "institution": m.institution, "slot": m.slot,
                      "table": m.table} for m in solution.meetings],
        "unscheduled": [{"enterprise": u.enterprise, "institution": u.institution,
                         "reason": u.reason} for u in solution.unscheduled],
        "stats": dict(solution.stats),
    }
    if solution.reason is not None:
        data["reason"] = solution.reason
    return data


def solution_to_json(solution: Solution) -> str:
    return json.dumps(solution_to_dict(solution), ensure_ascii=False, indent=1)


def write_solution(solution: Solution, path: str | Path) -> None:
    Path(path).write_text(solution_to_json(solution) + "\n", encoding="utf-8")


def parse_solution(data: Any) -> Solution:
    """Read decoded JSON back into a Solution; raise SolutionError on anything unexpected."""
    if not isinstance(data, dict) or data.get("format") != SOLUTION_FORMAT:
        raise SolutionError(f"格式必须是 (format must be) '{SOLUTION_FORMAT}'")
    if data.get("status") not in STATUSES:
        raise SolutionError(f"未知状态 (unknown status) {data.get('status')!r}")
    try:
        meetings = tuple(Meeting(str(m["enterprise"]), str(m["institution"]), str(m["slot"]),
                                 int(m["table"])) for m in data["meetings"])
        unscheduled = tuple(Unscheduled(str(u["enterprise"]), str(u["institution"]),
                                        str(u.get("reason", ""))) for u in data.get("unscheduled", []))
        return Solution(data["status"], int(data["objective"]), data.get("upper_bound"), meetings,
                        unscheduled, dict(data.get("stats", {})), data.get("reason"))
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise SolutionError(f"解答文件格式错误 (malformed solution): {error!r}") from None


def load_solution(path: str | Path) -> Solution:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SolutionError(f"无法读取解答文件 {path} (cannot read solution file): {error}") from None
    return parse_solution(data)
