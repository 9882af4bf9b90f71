"""deploy/backup.py: a backup taken while the app writes restores to the same answers."""
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
    import sqlite3

    with sqlite3.connect(restored_instance / "siifra.sqlite3") as connection:
        assert connection.execute("SELECT count(*) FROM submission").fetchone()[0] == 3
