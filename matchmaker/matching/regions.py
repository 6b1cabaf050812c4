"""Region served by a product: "省/市/区" prefixes matched against the enterprise's region."""

from __future__ import annotations

from collections.abc import Sequence


def parse_regions(regions: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """"浙江省/杭州市" -> ("浙江省", "杭州市"); empty parts are dropped."""
    return tuple(tuple(part for part in region.split("/") if part) for region in regions)


def served_depth(path: tuple[str, ...], served: tuple[tuple[str, ...], ...]) -> int:
    """How specifically `served` covers an enterprise at `path`.

    0 when no served region is a prefix of `path` (outside), otherwise the number of levels of
    the most specific matching region (1 province, 2 city, 3 district).
    """
    best = 0
    for region in served:
        if region and path[: len(region)] == region:
            best = max(best, len(region))
    return best


#: Fit of the region component by served depth; a product without regions serves everyone.
REGION_FIT = {1: 0.6, 2: 0.8, 3: 1.0}
UNRESTRICTED_REGION_FIT = 0.5
