"""deploy/nginx/siifra.conf, run by a real nginx in front of the app: it forwards no client address and
its access log holds no address, agent, referrer, query string or time."""
from __future__ import annotations

import re
import shutil
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import LiveServer
from tests.kiosk.test_anonymity import CANARIES, HEADERS, IPV4, TIME_OF_DAY

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _site(tmp: Path, https: int, http: int, upstream: int) -> str:
    """Return the shipped site, with only its addresses, certificate and log paths moved into tmp."""
    site = (ROOT / "deploy/nginx/siifra.conf").read_text()
    for old, new in [
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;"),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("/etc/ssl/siifra/fullchain.pem", str(tmp / "cert.pem")),
        ("/etc/ssl/siifra/privkey.pem", str(tmp / "key.pem")),
        ("/var/log/nginx/", f"{tmp}/"),
        ("http://127.0.0.1:8000", f"http://127.0.0.1:{upstream}"),
    ]:
        assert old in site, f"deploy/nginx/siifra.conf no longer has {old!r}; update this test"
        site = site.replace(old, new)
    return site


def _main_conf(tmp: Path, site: Path) -> str:
    temp = "\n".join(f"    {name}_temp_path {tmp}/{name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""user root;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/main-error.log;
events {{}}
http {{
{temp}
    include {site};
}}
"""


def _get(url: str, context: ssl.SSLContext) -> int:
    request = urllib.request.Request(url, headers=HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=10, context=context) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.slow
def test_nginx_forwards_and_logs_nothing_identifying(app, link, tmp_path: Path) -> None:
    if shutil.which("nginx") is None:
        pytest.fail("nginx is missing: `make test` installs it (.ci/system-deps.sh)")
    seen: list[dict[str, str]] = []
    inner = app.wsgi_app

    def record_headers(environ, start_response):
        seen.append({key: value for key, value in environ.items() if key.startswith("HTTP_")})
        return inner(environ, start_response)

    app.wsgi_app = record_headers
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True, capture_output=True,
    )
    https, http = _free_port(), _free_port()
    with LiveServer(app) as upstream:
        site = tmp_path / "site.conf"
        site.write_text(_site(tmp_path, https, http, int(upstream.url.rsplit(":", 1)[1])))
        (tmp_path / "nginx.conf").write_text(_main_conf(tmp_path, site))
        nginx = subprocess.Popen(["nginx", "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"], stderr=subprocess.PIPE)
        try:
            context = ssl.create_default_context()
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
            deadline = time.monotonic() + 10
            while True:
                try:
                    status = _get(f"https://127.0.0.1:{https}/s/{link.code}?lang=en&who=someone", context)
                    break
                except OSError:
                    assert time.monotonic() < deadline, "nginx did not start"
                    time.sleep(0.1)
            assert status == 200
            assert _get(f"https://127.0.0.1:{https}/s/ZZZZZZ?secret=query", context) == 404
        finally:
            nginx.terminate()
            nginx.wait(10)

    assert len(seen) == 2
    for headers in seen:
        assert "HTTP_X_FORWARDED_FOR" not in headers  # neither the client's address nor the one it sent
        assert "HTTP_X_REAL_IP" not in headers and "HTTP_FORWARDED" not in headers
        assert "HTTP_USER_AGENT" not in headers
        assert headers["HTTP_X_FORWARDED_PROTO"] == "https"
    access = (tmp_path / "siifra.log").read_text()
    lines = access.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(rf"GET /s/{link.code} 200 \d+", lines[0])
    assert re.fullmatch(r"GET /s/ZZZZZZ 404 \d+", lines[1])
    for canary in CANARIES + ["127.0.0.1", "who=someone", "secret=query", "lang=en"]:
        assert canary not in access
    assert not IPV4.search(access) and not TIME_OF_DAY.search(access)
    assert str(time.gmtime().tm_year) not in access
