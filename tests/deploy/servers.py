"""The shipped deployment, run for a test: real gunicorn with deploy/gunicorn.conf.py and the command
and environment of a shipped unit or container, behind real nginx with deploy/nginx/siifra.conf over
TLS. Only ports, paths, the database and the certificate are moved into the test's folder."""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
APP_UNIT = DEPLOY / "systemd/siifra@.service"
SERVER_NAME = "siifra.example.kommune.no"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str) -> None:
    """Return once something accepts connections on port; fail if process ends first."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode} before it listened on {port}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"{what} did not listen on port {port}")


def make_certificate(folder: Path) -> Path:
    """Write a self-signed certificate for 127.0.0.1 (and its key) into folder; return the certificate."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
        check=True, capture_output=True,
    )
    return folder / "cert.pem"


# What a shipped unit or container gives gunicorn -------------------------------------------------


def unit_settings(path: Path) -> list[tuple[str, str]]:
    """Return the key=value lines of a systemd unit file, in order, comments left out."""
    pairs = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            pairs.append((key.strip(), value.strip()))
    return pairs


def unit_environment(path: Path, instance: str = "") -> dict[str, str]:
    """Return the variables a unit's Environment= lines set, with %i as instance."""
    env = {}
    for key, value in unit_settings(path):
        if key == "Environment":
            for word in shlex.split(value.replace("%i", instance)):
                name, _, setting = word.partition("=")
                env[name] = setting
    return env


def unit_command(path: Path, instance: str = "") -> list[str]:
    """Return the words of a unit's ExecStart=, with %i as instance."""
    (command,) = [value for key, value in unit_settings(path) if key == "ExecStart"]
    return shlex.split(command.replace("%i", instance).lstrip("-@+!"))


def dockerfile() -> list[str]:
    """Return the Dockerfile's instructions, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (DEPLOY / "Dockerfile").read_text())
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def dockerfile_environment() -> dict[str, str]:
    """Return the variables the Dockerfile's ENV instructions set."""
    env = {}
    for line in dockerfile():
        if line.startswith("ENV "):
            for word in shlex.split(line[4:]):
                name, _, value = word.partition("=")
                env[name] = value
    return env


def dockerfile_command() -> str:
    """Return the shell command line of the Dockerfile's CMD (sh -c "...")."""
    (line,) = [line for line in dockerfile() if line.startswith("CMD ")]
    words = json.loads(line[4:])
    assert words[:2] == ["sh", "-c"], "deploy/Dockerfile's CMD is no longer sh -c; update this test"
    return words[2]


def compose() -> dict:
    """Return deploy/compose.yaml, parsed."""
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def compose_environment(values: dict[str, str]) -> dict[str, str]:
    """Return the app service's environment, with ${NAME...} filled in from values (or ${NAME:-default})."""

    def fill(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        return values[name] if name in values or default is None else default

    env = {}
    for name, value in compose()["services"]["app"]["environment"].items():
        env[name] = re.sub(r"\$\{(\w+)(?::-([^}]*))?[^}]*\}", fill, str(value))
    return env


def shipped_gunicorn(kind: str, port: int, instance: Path, operator: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """Return the command and environment that the systemd unit or the container runs gunicorn with.

    operator holds what the operator provides (the database, the secret key, the base URL, mail): the
    unit's EnvironmentFile, or deploy/.env for compose. Beyond that only the address and the instance
    folder differ from the shipped files.
    """
    base = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}
    if kind == "systemd":
        words = unit_command(APP_UNIT, str(port))
        env = {**base, **unit_environment(APP_UNIT, str(port)), **operator}  # EnvironmentFile= wins
    else:
        command = dockerfile_command()
        words = shlex.split(command[command.index("exec gunicorn"):])[1:]
        shipped = {**dockerfile_environment(), **compose_environment({"POSTGRES_PASSWORD": "unused", **operator})}
        # compose's database is its own db service; the test's database stands in for it.
        env = {**base, **shipped, "DATABASE_URL": operator["DATABASE_URL"]}
        # The container listens on 0.0.0.0:8000, published on 127.0.0.1 only; here, 127.0.0.1:port.
        env["SIIFRA_BIND"] = f"127.0.0.1:{port}"
    assert Path(words[0]).name == "gunicorn", words
    env["SIIFRA_INSTANCE_PATH"] = str(instance)
    return [sys.executable, "-m", "gunicorn", *words[1:]], env


class Gunicorn:
    """gunicorn as a shipped unit or container runs it, on 127.0.0.1:port, its output kept in files."""

    def __init__(self, folder: Path, command: list[str], env: dict[str, str], port: int) -> None:
        self.folder, self.command, self.env, self.port = folder, command, env, port
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "stdout", "w") as out, open(self.folder / "stderr", "w") as err:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=out, stderr=err)
        wait_for_port(self.port, self.process, f"gunicorn ({self.output()})")
        return self

    def stop(self) -> None:
        """Stop gunicorn and wait for it."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def output(self) -> str:
        """Return everything gunicorn printed so far, stdout then stderr."""
        return "".join((self.folder / name).read_text() for name in ("stdout", "stderr") if (self.folder / name).exists())


class Nginx:
    """nginx with the shipped site in front of upstream_port, TLS with a certificate made for the test."""

    def __init__(self, folder: Path, upstream_port: int) -> None:
        if shutil.which("nginx") is None:
            pytest.fail("nginx is missing: `make test` installs it (.ci/system-deps.sh)")
        self.folder, self.upstream_port = folder, upstream_port
        self.https, self.http = free_port(), free_port()
        self.logs = folder / "logs"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """Return the https address nginx serves."""
        return f"https://127.0.0.1:{self.https}"

    def __enter__(self) -> Nginx:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir()
        self.certificate = make_certificate(self.folder)
        site = self.folder / "site.conf"
        site.write_text(self.site())
        (self.folder / "nginx.conf").write_text(self.main_conf(site))
        with open(self.logs / "stderr", "w") as stderr:
            self.process = subprocess.Popen(
                ["nginx", "-c", str(self.folder / "nginx.conf"), "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=stderr
            )
        wait_for_port(self.https, self.process, "nginx")
        return self

    def stop(self) -> None:
        """Stop nginx gracefully: requests in flight finish, and their log lines are written."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            self.process.wait(20)

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def site(self) -> str:
        """Return the shipped site, with only its addresses, certificate and log folder moved."""
        site = (DEPLOY / "nginx/siifra.conf").read_text()
        for old, new in [
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{self.https} ssl http2;"),
            ("listen 80;", f"listen 127.0.0.1:{self.http};"),
            ("/etc/ssl/siifra/fullchain.pem", str(self.folder / "cert.pem")),
            ("/etc/ssl/siifra/privkey.pem", str(self.folder / "key.pem")),
            ("/var/log/nginx/", f"{self.logs}/"),
            ("server 127.0.0.1:8000;", f"server 127.0.0.1:{self.upstream_port};"),
        ]:
            assert old in site, f"deploy/nginx/siifra.conf no longer has {old!r}; update this test"
            site = site.replace(old, new)
        return site

    def main_conf(self, site: Path) -> str:
        """Return an nginx.conf like Debian's: an error log and a combined access log for every site."""
        kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        temp = "\n".join(f"    {name}_temp_path {self.folder}/{name};" for name in kinds)
        return f"""user root;
worker_processes 1;
pid {self.folder}/nginx.pid;
error_log {self.logs}/error.log;
events {{}}
http {{
{temp}
    access_log {self.logs}/access.log;
    include {site};
}}
"""

    def log_text(self) -> str:
        """Return every line nginx has logged, in every file."""
        return "".join(path.read_text() for path in sorted(self.logs.iterdir()))
