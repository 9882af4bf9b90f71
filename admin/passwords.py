"""Password hashing (argon2id) and the rules a new password must meet."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12
_hasher = PasswordHasher()
_COMMON = set(FREQUENCY_LISTS["passwords"])
# Verified against when the e-mail is unknown, so that both answers take the same time.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


def hash_password(password: str) -> str:
    """Return an argon2id hash of password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return True when password matches the hash; with no hash, spend the same time and fail."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


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
