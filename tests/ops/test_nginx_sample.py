"""The README's nginx sample, run as shipped in front of `serve`: TLS, the redirect from port 80,
/metrics hidden, Secure cookies, the client's own address in the audit trail (not nginx's, and
not what the client claims in X-Forwarded-For), and server-sent events passed on as they come.

Only the machine-specific parts are replaced (ports, a self-signed certificate), each of which
must occur exactly once in the sample, so a README edit that this test no longer covers fails
here. nginx opens its upstream connections from 127.0.0.2 (`proxy_bind`) and the client
connects from 127.0.0.3: on one host that is how the app can tell the proxy from the client.
`make test` installs Debian's nginx when it is missing."""

from __future__ import annotations

import os
import re
import shutil
import ssl
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from matchmaker.config import PROJECT_ROOT
from matchmaker.models import AuditLog
from tests.conftest import Client
from tests.ops.served import Served, free_port
from tests.services.scheduling.factories import seeded_event

pytestmark = pytest.mark.slow

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SERVER_NAME = "docking.example.gov.cn"
PROXY_ADDRESS, CLIENT_ADDRESS = "127.0.0.2", "127.0.0.3"


def readme_sample() -> str:
    blocks = re.findall(r"```nginx\n(.*?)```", (PROJECT_ROOT / "README.md").read_text(), re.S)
    assert len(blocks) == 1, "the README holds one nginx sample"
    return blocks[0]


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"the README's nginx sample no longer has {old!r} exactly once"
    return text.replace(old, new)


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "fullchain.pem", directory / "privkey.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    f"/CN={SERVER_NAME}", "-addext", f"subjectAltName=DNS:{SERVER_NAME},IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def nginx_conf(directory: Path, *, app_port: int, https_port: int, http_port: int) -> Path:
    cert, key = self_signed_certificate(directory)
    sample = readme_sample()
    sample = replace_once(sample, "server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    sample = replace_once(sample, "listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    sample = replace_once(sample, "listen 80;", f"listen 127.0.0.1:{http_port};")
    sample = replace_once(sample, f"/etc/ssl/{SERVER_NAME}/fullchain.pem", str(cert))
    sample = replace_once(sample, f"/etc/ssl/{SERVER_NAME}/privkey.pem", str(key))
    sample = replace_once(sample, "proxy_pass http://matchmaker;",
                          f"proxy_pass http://matchmaker; proxy_bind {PROXY_ADDRESS};")
    temp = "\n".join(f"  {name}_temp_path {directory / name};" for name in ("client_body", "proxy", "fastcgi",
                                                                           "uwsgi", "scgi"))
    conf = directory / "nginx.conf"
    conf.write_text(f"""{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {directory / "nginx.pid"};
error_log {directory / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
  access_log {directory / "access.log"};
{temp}
{sample}
}}
""")
    return conf


@pytest.fixture
def nginx_dir(tmp_path: Path) -> Path:
    if not Path(NGINX).exists():
        pytest.fail("nginx is not installed: `make nginx` installs it (`make test` does so first)")
    directory = tmp_path / "nginx"
    directory.mkdir()
    return directory


async def test_the_readme_nginx_sample_serves_the_app_over_tls(app, settings, make_organization, nginx_dir,
                                                               tmp_path):
    seeded = await seeded_event(make_organization)
    served = Served(tmp_path, {"MATCHMAKER_DATABASE_URL": settings.database_url,
                               "MATCHMAKER_PATHS_VAR_DIR": settings.paths_var_dir,
                               "MATCHMAKER_SERVER_HTTPS": "true",
                               "MATCHMAKER_SERVER_TRUSTED_PROXIES": f'["{PROXY_ADDRESS}"]',
                               "MATCHMAKER_MAIL_WORKER_ENABLED": "false", "MATCHMAKER_JOBS_RUN_IN_WEB": "false"})
    https_port, http_port = free_port(), free_port()
    conf = nginx_conf(nginx_dir, app_port=served.port, https_port=https_port, http_port=http_port)
    checked = subprocess.run([NGINX, "-t", "-c", str(conf)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    nginx = subprocess.Popen([NGINX, "-c", str(conf), "-g", "daemon off;"])  # its errors: error.log
    verify = ssl.create_default_context(cafile=str(nginx_dir / "fullchain.pem"))
    base = f"https://127.0.0.1:{https_port}"
    try:
        served.wait_ready()
        transport = httpx.AsyncHTTPTransport(local_address=CLIENT_ADDRESS, verify=verify)
        async with Client(transport=transport, base_url=base, timeout=30) as browser:
            deadline = time.monotonic() + 20
            while True:  # nginx takes a moment to listen
                try:
                    health = await browser.get("/healthz")
                    break
                except httpx.ConnectError:
                    assert time.monotonic() < deadline and nginx.poll() is None, (
                        nginx_dir / "error.log").read_text()
                    time.sleep(0.2)
            assert health.status_code == 200
            assert health.headers["strict-transport-security"].startswith("max-age=")

            # Plain HTTP only redirects; /metrics is not reachable through the proxy.
            plain = httpx.get(f"http://127.0.0.1:{http_port}/login", headers={"host": SERVER_NAME})
            assert (plain.status_code, plain.headers["location"]) == (301, f"https://{SERVER_NAME}/login")
            assert (await browser.get("/metrics")).status_code == 404

            # Sign in over TLS, claiming another address: the session cookie is Secure and the
            # audit trail records the address the client really connected from.
            await browser.get("/login")
            signed_in = await browser.post("/login", data={"csrftoken": browser.cookies["csrftoken"],
                                                           "email": seeded.organizer.email,
                                                           "password": "correct-horse-battery"},
                                           headers={"x-forwarded-for": "6.6.6.6"})
            assert signed_in.status_code == 303, signed_in.text
            session_cookie = [c for c in signed_in.headers.get_list("set-cookie") if "Secure" in c]
            assert session_cookie, signed_in.headers.get_list("set-cookie")
            login = await AuditLog.filter(action="user.login").order_by("-id").first()
            assert login is not None and login.ip == CLIENT_ADDRESS

            # Server-sent events arrive while the stream is still open (no proxy buffering).
            began = time.monotonic()
            async with browser.stream("GET", f"/organizer/events/{seeded.event.id}/live/events") as stream:
                assert stream.status_code == 200
                received = ""
                async for chunk in stream.aiter_text():
                    received += chunk
                    if "event: board" in received and ": keep-alive" in received:
                        break
                    assert time.monotonic() - began < 15, received[:500]
            assert time.monotonic() - began < 15  # the board and a keep-alive, long before the stream's end
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        assert served.stop()
