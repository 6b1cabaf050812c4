"""The terms every page that judges eligibility uses, so the matching pages and the event pages
give one answer: the date, the compiled catalogue shared by the app, the city's 科创积分 weights."""

from __future__ import annotations

from datetime import date, datetime

from starlette.requests import Request

from matchmaker.matching import InnovationWeights
from matchmaker.services.matching import CatalogueCache
from matchmaker.web.pages import settings_of
from matchmaker.web.templating import SHANGHAI


def matching_date() -> date:
    """Eligibility is judged on the calendar date in Asia/Shanghai (a certificate lapses at local midnight)."""
    return datetime.now(SHANGHAI).date()


def catalogue_cache(request: Request) -> CatalogueCache:
    return request.app.state.offer_catalogue


def innovation_weights(request: Request) -> InnovationWeights:
    return InnovationWeights.from_mapping(settings_of(request).matching_innovation_weights)
