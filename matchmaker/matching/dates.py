"""Calendar arithmetic for derived fields (years since establishment, certificate age).

Leap days follow 《民法典》第二百零三条: when the target month has no corresponding day, the
period ends on the last day of that month. So an anniversary of 29 February falls on
28 February in a common year, and an enterprise established on 2020-02-29 is exactly one year
old on 2021-02-28 (and 0.997 years old on 2021-02-27).
"""

from __future__ import annotations

from datetime import date, timedelta


def add_years(start: date, years: int) -> date:
    """`start` moved by whole calendar `years`; 29 February becomes 28 February in common years."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a common year: the month's last day
        return start.replace(year=start.year + years, day=28)


def years_between(start: date, end: date) -> float:
    """Age in years of something that began on `start`, on `end` (negative if `end` is earlier).

    Whole years count calendar anniversaries (see `add_years`); the fraction is the share of
    days elapsed between the last anniversary and the next one, so an exact anniversary gives
    an exact whole number (boundaries like "成立满 2 年" compare exactly).
    """
    whole = end.year - start.year
    if add_years(start, whole) > end:
        whole -= 1
    last = add_years(start, whole)
    following = add_years(start, whole + 1)
    return whole + (end - last).days / (following - last).days


def last_valid_day(obtained: date, validity_years: int) -> date:
    """The last day a certificate obtained on `obtained` and valid `validity_years` is in force."""
    return add_years(obtained, validity_years) - timedelta(days=1)
