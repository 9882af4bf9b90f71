"""A throwaway PostgreSQL cluster for the benchmarks, like .ci/with-postgres.sh but on a disk folder.

The cluster keeps fsync on (the default), listens on 127.0.0.1 only, and trusts local connections. A
folder that already holds a cluster is reused, so that a preloaded template survives between runs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

USER, PASSWORD = "siifra", "siifra"


@dataclass(frozen=True)
class Cluster:
    """A running cluster: where it listens and the pid of its postmaster."""

    port: int
    data: Path
    postmaster: int
    control: tuple[str, ...]  # pg_ctl, run as the postgres user, with the data folder and the options

    def restart(self) -> None:
        """Restart the server: its shared buffers start empty."""
        subprocess.run([*self.control, "-m", "fast", "restart"], check=True, capture_output=True)

    def url(self, database: str, driver: str = "+psycopg", user: str = USER) -> str:
        """Return a URL for a database as kiosk's user (or, with user="postgres", the superuser)."""
        secret = f":{PASSWORD}" if user == USER else ""
        return f"postgresql{driver}://{user}{secret}@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run sql as the superuser; return what psql printed (unaligned, tuples only)."""
        done = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database, "-At", "-v",
             "ON_ERROR_STOP=1", "-c", sql],
            capture_output=True, text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"psql failed: {sql}\n{done.stderr}")
        return done.stdout.strip()

    def exists(self, database: str) -> bool:
        """Return True when the database is there."""
        return self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'") == "1"

    def copy(self, template: str, database: str) -> float:
        """Make database as a file copy of template; return the seconds it took."""
        started = time.monotonic()
        self.psql(f"DROP DATABASE IF EXISTS {database}")
        self.psql(f"CREATE DATABASE {database} TEMPLATE {template} OWNER {USER} STRATEGY FILE_COPY")
        return time.monotonic() - started

    def drop(self, database: str) -> None:
        """Drop a database."""
        self.psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")

    def version(self) -> str:
        """Return the server's version."""
        return self.psql("SHOW server_version").split()[0]


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL is missing: install it with `apt-get install postgresql`.")
    return found[-1]


@contextlib.contextmanager
def cluster(data: Path, port: int) -> Iterator[Cluster]:
    """Start a cluster in data (made there if missing) on port; stop it afterwards."""
    pg = _pg_bin()
    runas = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    fresh = not (data / "PG_VERSION").exists()
    if fresh:
        data.mkdir(parents=True, exist_ok=True)
        if runas:
            shutil.chown(data, "postgres", "postgres")
        subprocess.run([*runas, str(pg / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"],
                       check=True, capture_output=True)
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=100"
    control = (*runas, str(pg / "pg_ctl"), "-D", str(data), "-l", str(data / "server.log"), "-w", "-o", options)
    subprocess.run([*control, "start"], check=True, capture_output=True)
    try:
        postmaster = int((data / "postmaster.pid").read_text().split()[0])
        running = Cluster(port, data, postmaster, control)
        if fresh:
            running.psql(f"CREATE ROLE {USER} LOGIN PASSWORD '{PASSWORD}'")
        yield running
    finally:
        subprocess.run([*runas, str(pg / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], capture_output=True)
