"""Password hashing (argon2id), the one hashing slot per machine, and the rules a new password must meet."""
from __future__ import annotations

import fcntl
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12
# Parallelism 1: one hash keeps one core busy, not every core, so the public form always has one left.
# 64 MiB and 3 passes (about 0.15 s on one core here) are RFC 9106's second recommendation.
_hasher = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=1)
_COMMON = set(FREQUENCY_LISTS["passwords"])
# Verified against when the e-mail is unknown, so that both answers take the same time. A constant with
# the hasher's parameters (a test checks that they match): computing it at import cost every process
# a hash at start.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=1$gHNY8c07rlassB75EENXTQ$PMXBcTtonIvQQGeGoIPuVoi5z5wR86FX1F+4447u2EE"
# How often the one waiter per process tries the slot again; jittered so processes do not move in step.
# Waking up is not free: each wake takes the GIL from whatever the worker is serving (the form).
_POLL_SECONDS = 0.025
# Threads of one process queue here first, asleep without the GIL, so that only one of them polls.
_process_turn = threading.Lock()
# At most this many sign-ins per process take part (one hashing or polling, the others queued); the
# next is told at once to come back. A waiting sign-in holds a worker thread, and deploy/gunicorn.conf.py
# gives each worker 8: half stay free for the form, however many sign-ins arrive.
SIGN_INS_PER_PROCESS = 4
_in_line = threading.BoundedSemaphore(SIGN_INS_PER_PROCESS)


class HashingBusy(Exception):
    """Another sign-in on this machine is hashing and did not finish within the wait."""


def hash_password(password: str) -> str:
    """Return an argon2id hash of password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return True when password matches the hash; with no hash, spend the same time and fail."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Return True when the hash was made with other parameters than new hashes get."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return False


@contextmanager
def hashing_slot(lock_file: Path, *, wait: float) -> Iterator[None]:
    """Hold the machine's one password-hashing slot, waiting up to wait seconds, else raise HashingBusy.

    An flock on a file is shared by every process and thread on the machine (each open() is its own
    lock owner), so a flood of sign-ins hashes one at a time instead of taking every core from the
    people filling in forms; and a flood cannot tie up every thread of a worker waiting for its turn.
    """
    if not _in_line.acquire(blocking=False):
        raise HashingBusy()
    try:
        deadline = time.monotonic() + wait
        if not _process_turn.acquire(timeout=max(0.0, wait)):
            raise HashingBusy()
        try:
            lock_file.parent.mkdir(parents=True, exist_ok=True)
            with open(lock_file, "a+b") as handle:
                _take(handle, deadline)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            _process_turn.release()
    finally:
        _in_line.release()


def _take(handle: BinaryIO, deadline: float) -> None:
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise HashingBusy() from None
            time.sleep(_POLL_SECONDS * (0.5 + random.random()))  # noqa: S311 - jitter, not a secret


def password_problems(password: str, user_inputs: list[str]) -> list[str]:
    """Return what is wrong with a new password, as message keys; an empty list means it is fine."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append("too_short")
    lowered = password.lower()
    if lowered in _COMMON or lowered.rstrip("0123456789!") in _COMMON:
        problems.append("common")
    elif zxcvbn(password[:100], user_inputs=[u for u in user_inputs if u])["score"] < 3:
        problems.append("guessable")
    return problems
