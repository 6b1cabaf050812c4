"""URLs of background jobs (imports, reports)."""

from __future__ import annotations

from starlette.routing import Route

from matchmaker.web.views.jobs import pages

jobs_routes = [
    Route("/jobs/{job_id}", pages.job_page, name="job"),
    Route("/jobs/{job_id}/status", pages.job_status, name="job_status"),
    Route("/jobs/{job_id}/file", pages.job_file, name="job_file"),
]
