"""/metrics under `serve --workers 2`: whichever worker answers, it reports every worker's counts."""

from __future__ import annotations

import time

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.ops.served import Served
from tests.ops.test_serve import answering_pids, burst

pytestmark = pytest.mark.slow


def healthz_count(text: str) -> float:
    return sum(sample.value for family in text_string_to_metric_families(text) for sample in family.samples
               if sample.name == "matchmaker_http_requests_total" and sample.labels["route"] == "/healthz")


def test_metrics_add_up_the_requests_every_worker_answered(database_url, tmp_path):
    served = Served(tmp_path, {"MATCHMAKER_DATABASE_URL": database_url, "MATCHMAKER_PATHS_VAR_DIR": str(tmp_path)},
                    "--workers", "2")
    try:
        served.wait_ready()
        deadline = time.monotonic() + 60
        while len(answering_pids(served)) < 2 and time.monotonic() < deadline:
            assert set(burst(served.base_url)) == {200}
        assert len(answering_pids(served)) == 2  # both workers answered some
        time.sleep(1)  # the last access-log line is written just after its response
        answered = sum(1 for line in served.access_lines() if line["route"] == "/healthz")
        for _ in range(6):  # each scrape may land on either worker: all report the same total
            response = httpx.get(f"{served.base_url}/metrics", timeout=30, headers={"connection": "close"})
            assert response.status_code == 200
            assert healthz_count(response.text) == answered
        assert httpx.get(f"{served.base_url}/readyz", timeout=30).json() == {"status": "ready"}
        assert (tmp_path / "prometheus").is_dir() and list((tmp_path / "prometheus").glob("*.db"))
    finally:
        assert served.stop()


def test_metrics_of_a_single_process_serve(database_url, tmp_path):
    """One process: uvicorn runs the app in the serve process itself, which set the directory
    before prometheus_client was imported, so counts land there and are read back."""
    served = Served(tmp_path, {"MATCHMAKER_DATABASE_URL": database_url, "MATCHMAKER_PATHS_VAR_DIR": str(tmp_path)},
                    "--workers", "1")
    try:
        served.wait_ready()
        assert set(burst(served.base_url, 5)) == {200}
        time.sleep(1)
        answered = sum(1 for line in served.access_lines() if line["route"] == "/healthz")
        response = httpx.get(f"{served.base_url}/metrics", timeout=30)
        assert response.status_code == 200 and healthz_count(response.text) == answered >= 5
    finally:
        assert served.stop()
