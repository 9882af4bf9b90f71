"""deploy/backup.py: a backup taken while the app writes restores to the same answers, and is private."""
import sqlite3
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kiosk.models import Submission
from tests.kiosk.helpers import rating

ROOT = Path(__file__).resolve().parents[2]


def test_backup_and_restore_round_trip(app, client, session, link, tmp_path):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("the SQLite backup script; PostgreSQL uses pg_dump")
    db_file = Path(session.get_bind().url.database)
    instance = tmp_path / "inst"
    instance.mkdir()
    (instance / "siifra.sqlite3").symlink_to(db_file)
    env = {"SIIFRA_INSTANCE_PATH": str(instance), "PATH": "/usr/bin:/bin"}
    for _ in range(3):
        client.post("/api/v1/submissions", json={"link": link.code, "answers": rating(link)}, headers={"Idempotency-Key": str(uuid.uuid4())})
    made = subprocess.run([sys.executable, ROOT / "deploy/backup.py", "backup", str(tmp_path / "backups")], env=env, capture_output=True, text=True, check=True)
    copy = Path(made.stdout.strip())
    assert copy.exists()
    client.post("/api/v1/submissions", json={"link": link.code, "answers": rating(link)}, headers={"Idempotency-Key": str(uuid.uuid4())})
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Submission)) == 4
    session.close()
    restored_instance = tmp_path / "restored"
    restored_instance.mkdir()
    subprocess.run([sys.executable, ROOT / "deploy/backup.py", "restore", str(copy)], env={**env, "SIIFRA_INSTANCE_PATH": str(restored_instance)}, check=True, capture_output=True)
    with sqlite3.connect(restored_instance / "siifra.sqlite3") as connection:
        assert connection.execute("SELECT count(*) FROM submission").fetchone()[0] == 3


def test_backups_are_private_whatever_the_umask(tmp_path):
    """Copies hold password hashes and every answer: folder 0700, files 0600, under Debian's umask 022."""
    instance = tmp_path / "inst"
    instance.mkdir()
    with sqlite3.connect(instance / "siifra.sqlite3") as connection:
        connection.execute("CREATE TABLE answer (text)")
    connection.close()
    env = {"SIIFRA_INSTANCE_PATH": str(instance), "PATH": "/usr/bin:/bin"}

    def run(*args: str) -> str:
        command = [sys.executable, ROOT / "deploy/backup.py", *args]
        return subprocess.run(command, env=env, umask=0o022, capture_output=True, text=True, check=True).stdout

    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    copy = Path(run("backup", str(tmp_path / "new" / "backups")).strip())
    assert mode(copy.parent) == 0o700 and mode(copy) == 0o600
    # A folder and a copy from before (say, made by hand) are tightened too.
    copy.parent.chmod(0o755)
    copy.chmod(0o644)
    assert Path(run("backup", str(copy.parent)).strip()) == copy
    assert mode(copy.parent) == 0o700 and mode(copy) == 0o600
    env["SIIFRA_INSTANCE_PATH"] = str(tmp_path / "restored")
    (tmp_path / "restored").mkdir()
    run("restore", str(copy))
    assert mode(tmp_path / "restored" / "siifra.sqlite3") == 0o600
