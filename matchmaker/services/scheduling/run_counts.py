"""How many solver runs there are, by kind and state, for /metrics (one statement)."""

from __future__ import annotations

from tortoise.functions import Count

from matchmaker.models import RunKind, RunState, ScheduleRun


async def runs_by_kind_and_state() -> dict[tuple[str, str], int]:
    counts = {(kind.value, state.value): 0 for kind in RunKind for state in RunState}
    rows = await ScheduleRun.all().annotate(n=Count("id")).group_by("kind", "state").values_list("kind", "state", "n")
    for kind, state, n in rows:
        counts[str(kind), str(state)] = n
    return counts
