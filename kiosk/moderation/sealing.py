"""The text as typed, sealed for moderators: encrypted with a key of its own, so that a database file, a dump
or a backup alone shows no original anywhere (kiosk/encryption.py derives the key from the app's secret)."""
from __future__ import annotations

import json
from dataclasses import dataclass

from kiosk.encryption import decrypt_text, encrypt_text

PURPOSE = "free-text originals"


@dataclass(frozen=True)
class Sealed:
    """What was typed, and the original of each redaction in order."""

    original: str
    parts: tuple[str, ...]


def seal(original: str, parts: list[str] | tuple[str, ...]) -> str:
    """Return the original and its redacted parts, encrypted."""
    return encrypt_text(PURPOSE, json.dumps({"original": original, "parts": list(parts)}, ensure_ascii=False))


def unseal(token: str) -> Sealed:
    """Return what seal() sealed."""
    data = json.loads(decrypt_text(PURPOSE, token))
    return Sealed(data["original"], tuple(data["parts"]))
