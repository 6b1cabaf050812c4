"""`python -m matchmaker worker` as a real subprocess on a test's database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from matchmaker.config import PROJECT_ROOT, Settings


def worker_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The worker on the test's database, with short leases and polls so that a test is quick."""
    return {**os.environ, "MATCHMAKER_DATABASE_URL": settings.database_url,
            "MATCHMAKER_PATHS_VAR_DIR": settings.paths_var_dir, "MATCHMAKER_JOBS_RUN_IN_WEB": "false",
            "MATCHMAKER_JOBS_LEASE_SECONDS": "2", "MATCHMAKER_JOBS_POLL_SECONDS": "0.1",
            "MATCHMAKER_MAIL_WORKER_ENABLED": "false", **extra}


class WorkerProcess:
    def __init__(self, directory: Path, env: dict[str, str], name: str = "worker") -> None:
        self.err_path = directory / f"{name}.err"
        self._err = self.err_path.open("w")
        self.process = subprocess.Popen([sys.executable, "-m", "matchmaker", "worker"], cwd=PROJECT_ROOT, env=env,
                                        stdout=self._err, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as a power cut or the OOM killer."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        self._err.close()

    def stop(self, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._err.close()
        return self.process.returncode

    def log(self) -> str:
        return self.err_path.read_text()
