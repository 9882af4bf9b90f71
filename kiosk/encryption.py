"""The one way the app encrypts what it must read back later (TOTP secrets now, free-text originals later).

Each purpose gets its own Fernet key, derived with HKDF-SHA256 from the app's SECRET_KEY, so a key
leaked for one purpose opens nothing else and no extra key file has to be kept and backed up. The
keys derived from SECRET_KEY_FALLBACKS still decrypt, so rotating the secret keeps old values
readable; rotate() re-encrypts a value under the current key.
"""
from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


def fernet(purpose: str) -> MultiFernet:
    """Return the Fernet for purpose: encrypts with SECRET_KEY, decrypts with it or any fallback."""
    secrets = [current_app.config["SECRET_KEY"], *(current_app.config.get("SECRET_KEY_FALLBACKS") or [])]
    return MultiFernet([_derived(s if isinstance(s, bytes) else s.encode(), purpose) for s in secrets])


@lru_cache(maxsize=64)
def _derived(secret: bytes, purpose: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"siifra {purpose}".encode()).derive(secret)
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_text(purpose: str, text: str) -> str:
    """Return text encrypted for purpose, as ASCII fit for a text column."""
    return fernet(purpose).encrypt(text.encode()).decode("ascii")


def decrypt_text(purpose: str, token: str) -> str:
    """Return the text that encrypt_text() encrypted for purpose (raises InvalidToken if no key fits)."""
    return fernet(purpose).decrypt(token.encode("ascii")).decode()


def rotate(purpose: str, token: str) -> str:
    """Return token re-encrypted under the current SECRET_KEY (the same text, readable after rotation)."""
    return fernet(purpose).rotate(token.encode("ascii")).decode("ascii")
