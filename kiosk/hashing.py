"""The one way secrets and keys are kept: as a SHA-256 hex digest, never as themselves."""

from __future__ import annotations

import hashlib


def sha256_hex(text: str) -> str:
    """Return the SHA-256 hex digest of text."""
    return hashlib.sha256(text.encode()).hexdigest()
