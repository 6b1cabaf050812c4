"""`serve --workers N`: several uvicorn processes answer on one port, and SIGHUP replaces them
one by one without a failed request."""

from __future__ import annotations

import signal
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from matchmaker.cli import default_workers
from tests.ops.served import Served

pytestmark = pytest.mark.slow


def burst(base_url: str, n: int = 16) -> list[int]:
    """n requests at once, each on its own connection (so that every worker may accept some)."""
    def one(_: int) -> int:
        return httpx.get(f"{base_url}/healthz", timeout=30, headers={"connection": "close"}).status_code

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


def answering_pids(served: Served, since: int = 0) -> set[int]:
    return {line["pid"] for line in served.access_lines()[since:] if line["route"] == "/healthz"}


def test_two_workers_answer_and_a_sighup_replaces_them_without_a_failed_request(database_url, tmp_path):
    served = Served(tmp_path, {"MATCHMAKER_DATABASE_URL": database_url, "MATCHMAKER_PATHS_VAR_DIR": str(tmp_path)},
                    "--workers", "2")
    try:
        served.wait_ready()
        deadline = time.monotonic() + 60
        while len(answering_pids(served)) < 2 and time.monotonic() < deadline:
            assert set(burst(served.base_url)) == {200}
        first = served.children()
        assert answering_pids(served) == first and len(first) == 2

        served.process.send_signal(signal.SIGHUP)
        statuses: list[int] = []
        deadline = time.monotonic() + 120
        while not (len(served.children()) == 2 and served.children().isdisjoint(first)):
            assert time.monotonic() < deadline, served.err_path.read_text()
            statuses += burst(served.base_url, 4)
        assert set(statuses) == {200}  # nobody got a refused connection or an error during the restart

        seen = len(served.access_lines())
        assert set(burst(served.base_url)) == {200}
        assert answering_pids(served, seen) and answering_pids(served, seen) <= served.children()
    finally:
        assert served.stop()


def test_the_default_is_one_process_on_sqlite_and_one_per_cpu_on_postgresql(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 6)
    assert default_workers("sqlite:///srv/matchmaker.sqlite3") == 1
    assert default_workers("postgres://app@db/matchmaker") == 6
