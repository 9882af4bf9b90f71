"""The instance folder, the database and the secret key hold password hashes and every answer: they are
this user's alone (folders 0700, files 0600), whatever the umask of the process that makes them."""
from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PERMISSIVE = 0o022  # Debian's default: new folders 0755 and files 0644, readable by every user


def mode(path: Path) -> int:
    """Return a file's permission bits."""
    return stat.S_IMODE(path.stat().st_mode)


def _flask(instance: Path, *args: str) -> None:
    env = {"PATH": os.environ["PATH"], "SIIFRA_INSTANCE_PATH": str(instance), "SIIFRA_SECRET_KEY": "permissions-test"}
    command = [sys.executable, "-m", "flask", "--app", "kiosk", *args]
    subprocess.run(command, cwd=ROOT, env=env, umask=PERMISSIVE, check=True, capture_output=True)


def test_the_app_makes_its_instance_folder_and_database_private(tmp_path: Path):
    instance = tmp_path / "new" / "instance"
    _flask(instance, "db", "upgrade")
    database = instance / "siifra.sqlite3"
    assert mode(instance) == 0o700
    assert mode(database) == 0o600
    # SQLite gives its -wal and -shm files the database's mode, under any umask.
    old = os.umask(PERMISSIVE)
    try:
        with sqlite3.connect(database) as connection:
            connection.execute("CREATE TABLE probe (x)")
            assert mode(Path(f"{database}-wal")) == mode(Path(f"{database}-shm")) == 0o600
        connection.close()
    finally:
        os.umask(old)


def test_the_app_tightens_a_folder_and_database_from_before(tmp_path: Path):
    instance = tmp_path / "instance"
    instance.mkdir()
    instance.chmod(0o755)
    (instance / "siifra.sqlite3").touch()
    (instance / "siifra.sqlite3").chmod(0o644)
    _flask(instance, "db", "upgrade")
    assert mode(instance) == 0o700
    assert mode(instance / "siifra.sqlite3") == 0o600


def test_make_run_writes_a_private_secret_key(tmp_path: Path):
    instance = tmp_path / "instance"
    command = ["make", "-s", "-C", str(ROOT), f"INSTANCE={instance}", f"{instance}/secret_key"]
    subprocess.run(command, umask=PERMISSIVE, check=True, capture_output=True)
    assert mode(instance) == 0o700
    assert mode(instance / "secret_key") == 0o600
    assert len((instance / "secret_key").read_text().strip()) == 64
