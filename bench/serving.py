"""Serve an app under gunicorn for a benchmark and drive it with wrk; CPU time from /proc.

Shared by bench/submissions.py (the API and the phone flow) and its floors. Only 127.0.0.1 is used.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# How long wrk keeps its connections busy after the measured seconds, so that every request is answered.
MARGIN_SECONDS = 3


def environment(work: Path, **extra: str) -> dict[str, str]:
    """Return the environment for kiosk's commands and servers: no SIIFRA_ settings but ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIIFRA_") and k != "DATABASE_URL"}
    env.update(SIIFRA_INSTANCE_PATH=str(work / "instance"), SIIFRA_WORKERS="2", PYTHONDONTWRITEBYTECODE="1")
    env.update(extra)
    return env


@contextlib.contextmanager
def serve(app: list[str], env: dict[str, str], log: Path, workers: int = 2) -> Iterator[tuple[str, list[int]]]:
    """Run gunicorn with deploy/gunicorn.conf.py for app; yield its base URL and worker pids."""
    port = free_port()
    env = dict(env, SIIFRA_BIND=f"127.0.0.1:{port}", SIIFRA_WORKERS=str(workers))
    command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", *app]
    with open(log, "wb") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True)
        try:
            pids = _wait_for_workers(server, port, log, workers)
            yield f"http://127.0.0.1:{port}", pids
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def free_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_workers(server: subprocess.Popen, port: int, log: Path, count: int, timeout: float = 90) -> list[int]:
    """Wait until the workers have loaded the app and sit idle; return their pids.

    Gunicorn listens before its workers have imported the app, and a request sent to a worker that is
    still importing would count against the warm-up, so: an answered GET, then idle workers.
    """
    deadline = time.monotonic() + timeout
    seen: dict[int, float] = {}
    quiet_since = None
    answered = False
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}; see the log:\n{log.read_text()}")
        workers = children(server.pid)
        answered = answered or (len(workers) >= count and _answers(port))
        if answered:
            cpu = {pid: process_cpu(pid) for pid in workers}
            quiet_since = (quiet_since or time.monotonic()) if cpu == seen else None
            seen = cpu
            if quiet_since is not None and time.monotonic() - quiet_since >= 0.5:
                return workers
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn's workers were not ready within {timeout} s; see the log:\n{log.read_text()}")


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET /api/v1/bench-idle HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        return sock.recv(16).startswith(b"HTTP/1.1 ")
    return False


def process_cpu(pid: int) -> float:
    """Return the CPU seconds (user + system) a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    """Return the pids of a process's children."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def drive(
    url: str, script: Path, args: list[str], seconds: float, connections: int,
    workers: list[int] | None = None, database: list[int] | None = None,
) -> dict:
    """Run a wrk script for seconds; return what it counted, and CPU use while it ran.

    The script gets its arguments, the measured seconds and a nonce, and prints one BENCH_RESULT line.
    """
    command = [
        "wrk", f"-t{connections}", f"-c{connections}", f"-d{int(seconds + MARGIN_SECONDS + 0.999)}s",
        "--timeout", "30s", "-s", str(script), url, "--", *args, str(seconds), secrets.token_hex(4),
    ]
    wrk = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    cpu = None
    if workers is not None:
        skip = min(1.0, seconds / 4)  # wrk's start, and its last requests
        time.sleep(skip)
        before = _cpu_sample(workers, wrk.pid, database or [])
        time.sleep(max(0.0, seconds - 2 * skip))
        cpu = _cpu_use(before, _cpu_sample(workers, wrk.pid, database or []))
    out, err = wrk.communicate()
    lines = [line for line in out.splitlines() if line.startswith("BENCH_RESULT ")]
    if wrk.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({wrk.returncode}):\n{out}\n{err}")
    result = json.loads(lines[0].removeprefix("BENCH_RESULT "))
    if result["other"] or result["sent"] != result["answered"] or any(result["errors"].values()):
        raise RuntimeError(f"not every request got the expected answer: {result}\n{err}")
    result["cpu"] = cpu or {}
    return result


def _cpu_sample(workers: list[int], wrk: int, database: list[int]) -> dict[str, float]:
    ticks = os.sysconf("SC_CLK_TCK")
    total = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    db = 0.0
    for pid in database:
        with contextlib.suppress(OSError):  # a PostgreSQL backend may come and go
            db += process_cpu(pid)
    return {
        "time": time.monotonic(),
        "workers": sum(process_cpu(pid) for pid in workers),
        "wrk": process_cpu(wrk),
        "db": db,
        "busy": (sum(total) - total[3] - total[4]) / ticks,
    }


def _cpu_use(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    elapsed = after["time"] - before["time"]
    use = {key: (after[key] - before[key]) / elapsed for key in ("workers", "wrk", "db", "busy")}
    use["other"] = max(0.0, use["busy"] - use["workers"] - use["wrk"] - use["db"])
    return use


def load_average() -> float:
    """Return the one-minute load average."""
    return float(Path("/proc/loadavg").read_text().split()[0])
