"""Debian's nginx running deploy/nginx/fundraiser.conf, for tests and `make bench`.

The shipped file is used as it is, except for what differs between a real
machine and a test run, each replaced exactly once (or the run stops, so the
file and this list cannot drift apart): the upstream address, the two listen
lines, the certificate (a fresh self-signed one) and the cache and static
paths. A small main config around it runs nginx in the foreground, as the
current user, with every file in one work folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "fundraiser.conf"
NGINX = os.environ.get("NGINX_PATH", "/usr/sbin/nginx")
CERT = "/etc/letsencrypt/live/give.example.org/fullchain.pem"
KEY = "/etc/letsencrypt/live/give.example.org/privkey.pem"
LOG_FOLDER = "/var/log/nginx"
Edit = Callable[[str], str]


def binary() -> str | None:
    """The nginx program, or None when it is not installed."""
    found = shutil.which(NGINX) or shutil.which("nginx")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _replace_once(text: str, old: str, new: str, times: int = 1) -> str:
    if text.count(old) != times:
        raise RuntimeError(
            f"{SITE} no longer has exactly {times} of {old!r}: update tests/support/nginx.py"
        )
    return text.replace(old, new)


def render_site(upstream: str, http_port: int, https_port: int, work: Path) -> str:
    """The shipped site file with this run's addresses, certificate and paths."""
    text = SITE.read_text()
    for old, new in (
        ("server 127.0.0.1:8000 ", f"server {upstream} "),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        (CERT, str(work / "cert.pem")),
        (KEY, str(work / "key.pem")),
        ("/var/cache/nginx/fundraiser", str(work / "cache")),
        ("/srv/fundraiser/static/", str(ROOT / "static") + "/"),
    ):
        text = _replace_once(text, old, new)
    # Both servers' access and error logs (tests/integration/privacy/test_nginx_logs.py).
    return _replace_once(text, LOG_FOLDER, str(work / "logs"), times=4)


def _main_config(work: Path, site: Path, worker_processes: str) -> str:
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {work / 'tmp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}worker_processes {worker_processes};
daemon off;
pid {work / "nginx.pid"};
error_log {work / "error.log"} warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
{temp}
    include {site};
}}
"""


@dataclass
class Nginx:
    https_url: str
    http_url: str
    work: Path
    process: subprocess.Popen[bytes]

    def error_log(self) -> str:
        path = self.work / "error.log"
        return path.read_text() if path.exists() else ""

    def logs(self) -> dict[str, str]:
        """Every log nginx wrote (the site's and the main error log), by file name."""
        paths = [self.work / "error.log", *sorted((self.work / "logs").glob("*"))]
        return {p.name: p.read_text(errors="replace") for p in paths if p.is_file()}


def client_context() -> ssl.SSLContext:
    """TLS for talking to the test's self-signed certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def prepare(
    upstream: str, work: Path, worker_processes: str = "1", edit: Edit | None = None
) -> tuple[Path, int, int]:
    """Write the certificate and both configs into `work`; return the main config and ports.

    `edit` changes the rendered site file (a test showing what a worse file would do).
    """
    program = binary()
    if program is None:
        raise RuntimeError("nginx is not installed")
    (work / "cache").mkdir(parents=True, exist_ok=True)
    (work / "logs").mkdir(parents=True, exist_ok=True)
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (work / "tmp" / kind).mkdir(parents=True, exist_ok=True)
    request = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    keys = ["-keyout", str(work / "key.pem"), "-out", str(work / "cert.pem")]
    subprocess.run(
        ["openssl", *request, "-subj", "/CN=give.example.org", *keys],
        check=True,
        capture_output=True,
    )
    http_port, https_port = _free_port(), _free_port()
    site = work / "fundraiser.conf"
    text = render_site(upstream, http_port, https_port, work)
    site.write_text(edit(text) if edit else text)
    main = work / "nginx.conf"
    main.write_text(_main_config(work, site, worker_processes))
    return main, http_port, https_port


def check(main: Path) -> subprocess.CompletedProcess[str]:
    """`nginx -t` on the rendered config: its exit status and what it said."""
    program = binary() or NGINX
    return subprocess.run(
        [program, "-t", "-c", str(main), "-p", str(main.parent)], capture_output=True, text=True
    )


@contextlib.contextmanager
def running(
    upstream: str, work: Path, worker_processes: str = "1", edit: Edit | None = None
) -> Iterator[Nginx]:
    """nginx with the shipped site file (changed by `edit`) in front of `upstream`."""
    main, http_port, https_port = prepare(upstream, work, worker_processes, edit)
    program = binary() or NGINX
    process = subprocess.Popen(
        [program, "-c", str(main), "-p", str(work)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Nginx(
        https_url=f"https://127.0.0.1:{https_port}",
        http_url=f"http://127.0.0.1:{http_port}",
        work=work,
        process=process,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                raise RuntimeError("nginx exited: " + server.error_log())
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            if time.monotonic() > deadline:
                raise RuntimeError("nginx did not start: " + server.error_log())
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
