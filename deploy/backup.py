"""Back up and restore the SQLite database safely while the app runs.

    python deploy/backup.py backup [--keep N] DIR     # consistent copy via SQLite's online backup API
    python deploy/backup.py restore FILE               # stop the app first; checks the copy before use

The database is <instance>/siifra.sqlite3 ($SIIFRA_INSTANCE_PATH, default ./instance). For PostgreSQL
use pg_dump / pg_restore instead. Copies hold password hashes and every answer, so the folder is made
0700 and each copy 0600, whatever the umask.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
from datetime import date
from pathlib import Path


def database_path() -> Path:
    """Return the SQLite file the app uses."""
    return Path(os.environ.get("SIIFRA_INSTANCE_PATH", "instance")) / "siifra.sqlite3"


def check(path: Path) -> None:
    """Raise if the file is not a sound SQLite database."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise SystemExit(f"{path} failed the integrity check: {result}")


def private_file(path: Path) -> Path:
    """Create path (if new) or tighten it (if ours) so that only this user can read it."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if path.stat().st_uid == os.getuid():
            path.chmod(0o600)
    return path


def private_folder(path: Path) -> Path:
    """Create path (if new) or tighten it (if ours) so that only this user can open it."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_uid == os.getuid():
        path.chmod(0o700)
    return path


def backup(target_dir: Path, keep: int) -> Path:
    """Write a consistent copy into target_dir, named by the day; keep the newest keep copies."""
    private_folder(target_dir)
    target = private_file(target_dir / f"siifra-{date.today().isoformat()}.sqlite3")
    source = sqlite3.connect(database_path())
    copy = sqlite3.connect(target)
    with copy:
        source.backup(copy)
    copy.close()
    source.close()
    check(target)
    for old in sorted(target_dir.glob("siifra-*.sqlite3"))[:-keep]:
        old.unlink()
    return target


def restore(source: Path) -> None:
    """Replace the app's database with a checked copy (the app must be stopped)."""
    check(source)
    live = database_path()
    for suffix in ("-wal", "-shm"):
        Path(f"{live}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, private_file(live))
    check(live)


def main(argv: list[str]) -> None:
    """Parse the command line and run it."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup")
    make.add_argument("--keep", type=int, default=14)
    make.add_argument("dir", type=Path)
    back = commands.add_parser("restore")
    back.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    if args.command == "backup":
        print(backup(args.dir, args.keep))
    else:
        restore(args.file)
        print(f"Restored {args.file} to {database_path()}")


if __name__ == "__main__":
    main(sys.argv[1:])
