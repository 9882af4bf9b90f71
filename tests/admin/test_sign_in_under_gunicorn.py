"""Under the shipped gunicorn settings, a sign-in that waits for the hashing slot does not hold up the form.

How much a flood of sign-ins slows the form is measured, not tested: bench/login_flood.py.
"""
from __future__ import annotations

import fcntl
import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _has_open(pid: int, path: Path) -> bool:
    try:
        return any(os.readlink(fd) == str(path) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False


def _request(port: int, method: str, path: str, body: str | None = None, cookie: str = "", timeout: float = 20):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.getheader("Set-Cookie") or "", response.read().decode()


def _wait_until_up(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited"
        try:
            _request(port, "GET", "/admin/login", timeout=2)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


@pytest.mark.slow
def test_the_form_is_answered_while_a_sign_in_waits_for_the_hashing_slot(database_url, link, tmp_path: Path):
    instance = tmp_path / "gunicorn-instance"
    instance.mkdir()
    lock = instance / "password-hashing.lock"
    port = _free_port()
    env = {
        **os.environ,
        "SIIFRA_BIND": f"127.0.0.1:{port}",
        "SIIFRA_SECRET_KEY": "gunicorn-test",
        "SIIFRA_INSTANCE_PATH": str(instance),
        "SIIFRA_WORKERS": "1",  # one worker: only its threads can answer the form meanwhile
        "SIIFRA_ADMIN_HASH_WAIT_SECONDS": "60",
        "DATABASE_URL": database_url,
    }
    log = open(tmp_path / "gunicorn.log", "wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "kiosk:create_app()"],
        cwd=ROOT, env=env, stdout=log, stderr=log,
    )
    try:
        _wait_until_up(port, server)
        _, set_cookie, page = _request(port, "GET", "/admin/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrf_token": token, "email": "someone@example.no", "password": "a wrong password"})
        answered: list[int] = []
        with open(lock, "a+b") as held:
            fcntl.flock(held, fcntl.LOCK_EX)  # another sign-in is hashing
            sign_in = threading.Thread(
                target=lambda: answered.append(_request(port, "POST", "/admin/login", body, set_cookie.split(";")[0], 90)[0])
            )
            sign_in.start()
            deadline = time.monotonic() + 30
            while not any(_has_open(pid, lock) for pid in _children(server.pid)):
                assert time.monotonic() < deadline, "the sign-in never waited for the hashing slot"
                time.sleep(0.02)
            # The sign-in now waits in the worker for its turn; the form is answered all the same.
            status, _, form_page = _request(port, "GET", f"/s/{link.code}", timeout=20)
            assert status == 200 and "<form" in form_page
            assert sign_in.is_alive() and answered == []
        sign_in.join(30)
        assert answered == [401]
    finally:
        server.terminate()
        server.wait(20)
        log.close()
