"""Three-valued outcomes of a criterion (Kleene logic).

`unknown` is what a criterion that was not evaluated gives: a process criterion (名单制, bank
approval) or a need field when the need's kind family differs from the offer's. An offer is
eligible when no criterion *fails*: unknowns become caveats, not refusals.
all: fail if any fails, pass if all pass, else unknown. any: pass if any passes, fail if all
fail, else unknown. not: swaps pass and fail.
"""

PASS = "pass"
FAIL = "fail"
UNKNOWN = "unknown"


def all_of(outcomes: list[str]) -> str:
    if FAIL in outcomes:
        return FAIL
    return PASS if all(o == PASS for o in outcomes) else UNKNOWN


def any_of(outcomes: list[str]) -> str:
    if PASS in outcomes:
        return PASS
    return FAIL if all(o == FAIL for o in outcomes) else UNKNOWN


def negate(outcome: str) -> str:
    return {PASS: FAIL, FAIL: PASS}.get(outcome, UNKNOWN)
