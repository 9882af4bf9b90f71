"""Password hashing: one core per hash, one hash at a time per machine, nothing hashed at import."""
from __future__ import annotations

import fcntl
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from admin.passwords import _DUMMY_HASH, SIGN_INS_PER_PROCESS, HashingBusy, hash_password, hashing_slot, needs_rehash
from kiosk.models import Role
from tests.admin.staffing import PASSWORD, sign_in, user_row

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_module_hashes_nothing():
    """Every process imports it at start; a hash there cost each one 0.2 s of CPU."""
    code = (
        "import argon2\n"
        "def refuse(*args, **kwargs): raise SystemExit('a password was hashed at import')\n"
        "argon2.PasswordHasher.hash = argon2.PasswordHasher.verify = refuse\n"
        "import admin.passwords\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_one_lane_per_hash_and_the_dummy_hash_matches():
    assert "$m=65536,t=3,p=1$" in hash_password("et passord")
    assert not needs_rehash(_DUMMY_HASH)  # unknown addresses cost the same as known ones


def test_an_old_hash_is_upgraded_at_sign_in(app, session, make_staff):
    staff = make_staff(Role.COUNCIL)
    user = user_row(session, staff)
    user.password_hash = PasswordHasher(parallelism=4).hash(PASSWORD)
    session.commit()
    assert sign_in(app.test_client(), staff).status_code == 302
    assert "p=1$" in user_row(session, staff).password_hash


def test_the_hashing_slot_is_one_per_machine(tmp_path):
    lock = tmp_path / "instance" / "password-hashing.lock"
    with hashing_slot(lock, wait=0):
        with pytest.raises(HashingBusy), hashing_slot(lock, wait=0.05):
            pass  # another thread or request
        holder = "import fcntl, sys; f = open(sys.argv[1], 'a+b'); fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)"
        other = subprocess.run([sys.executable, "-c", holder, str(lock)], capture_output=True, text=True)
        assert other.returncode != 0 and "BlockingIOError" in other.stderr  # another process
    with hashing_slot(lock, wait=0):
        pass  # free again


def test_sign_ins_waiting_for_the_slot_cannot_hold_every_thread(tmp_path):
    """Past a couple of waiting sign-ins per process the next is refused at once, leaving threads for the form."""
    lock = tmp_path / "password-hashing.lock"
    outcomes: list[str] = []

    def sign_in() -> None:
        try:
            with hashing_slot(lock, wait=60):
                outcomes.append("hashed")
        except HashingBusy:
            outcomes.append("busy")

    with open(lock, "a+b") as other_process:
        fcntl.flock(other_process, fcntl.LOCK_EX)  # a sign-in elsewhere is hashing
        waiting = [threading.Thread(target=sign_in) for _ in range(SIGN_INS_PER_PROCESS)]
        for thread in waiting:
            thread.start()
        while not _all_in_line():
            threading.Event().wait(0.01)
        one_more = threading.Thread(target=sign_in)
        one_more.start()
        one_more.join(30)  # a guard against hanging: refused at once, not after its 60 s wait
        assert not one_more.is_alive() and outcomes == ["busy"]
    for thread in waiting:
        thread.join(30)
    assert outcomes == ["busy"] + ["hashed"] * SIGN_INS_PER_PROCESS


def _all_in_line() -> bool:
    from admin import passwords

    return passwords._in_line._value == 0
