"""`python -m matchmaker serve` as a real subprocess, for the multi-process tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from matchmaker.config import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    """One `serve` command (a supervisor and its workers, or a single process) on a free port,
    its standard output (the JSON access log) and error in files under `directory`."""

    def __init__(self, directory: Path, env: dict[str, str], *args: str, name: str = "server") -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.out_path = directory / f"{name}.out"
        self.err_path = directory / f"{name}.err"
        self._out = self.out_path.open("w")
        self._err = self.err_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "matchmaker", "serve", "--port", str(self.port), *args], cwd=PROJECT_ROOT,
            env={**os.environ, **env}, stdout=self._out, stderr=self._err)

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start:\n{self.err_path.read_text()}")
            time.sleep(0.2)

    def access_lines(self) -> list[dict]:
        lines = []
        for line in self.out_path.read_text().splitlines():
            if line.startswith("{"):
                lines.append(json.loads(line))
        return lines

    def children(self) -> set[int]:
        """Process ids of uvicorn's workers: spawned children of the serve command (not
        multiprocessing's resource tracker)."""
        found = set()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    command = (entry / "cmdline").read_bytes()
                except OSError:
                    continue
                if int(fields[1]) == self.process.pid and fields[0] != "Z" and b"spawn_main" in command:
                    found.add(int(entry.name))
        return found

    def worker_children(self) -> set[int]:
        """Process ids of the `worker` child that `serve --with-worker` starts."""
        found = set()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    command = (entry / "cmdline").read_bytes()
                except OSError:
                    continue
                if int(fields[1]) == self.process.pid and fields[0] != "Z" and command.endswith(b"matchmaker\0worker\0"):
                    found.add(int(entry.name))
        return found

    def stop(self) -> bool:
        """SIGTERM; True when the server shut down gracefully (uvicorn re-raises the signal
        after its shutdown when it runs one process: exit status -SIGTERM)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._out.close()
        self._err.close()
        return (self.process.returncode in (0, -signal.SIGTERM)
                and "Application shutdown complete" in self.err_path.read_text())
