"""Six-character link codes from an alphabet without look-alikes."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L: people type these codes from a poster, often on a small phone keyboard.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 6


def new_code() -> str:
    """Return a random code."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(code: str) -> str | None:
    """Return code in canonical form, or None if it cannot be a code.

    People type codes from a poster in lower case and with spaces, so both are accepted.
    """
    cleaned = code.strip().upper().replace("-", "").replace(" ", "")
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned
