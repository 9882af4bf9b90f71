"""kiosk.encryption: one key per purpose, derived from SECRET_KEY; fallbacks still decrypt; rotate() moves on."""
from __future__ import annotations

import pytest
from cryptography.fernet import InvalidToken
from flask import Flask

from kiosk.encryption import decrypt_text, encrypt_text, rotate


def context(secret: str, *fallbacks: str):
    app = Flask(__name__)
    app.config.update(SECRET_KEY=secret, SECRET_KEY_FALLBACKS=list(fallbacks))
    return app.app_context()


def test_round_trip_and_nothing_in_the_clear():
    with context("key one"):
        token = encrypt_text("totp", "JBSWY3DPEHPK3PXP")
        assert "JBSWY3DPEHPK3PXP" not in token
        assert decrypt_text("totp", token) == "JBSWY3DPEHPK3PXP"
        assert encrypt_text("totp", "JBSWY3DPEHPK3PXP") != token  # a fresh IV every time


def test_each_purpose_has_its_own_key():
    with context("key one"):
        token = encrypt_text("totp", "hemmelig")
        with pytest.raises(InvalidToken):
            decrypt_text("free text", token)


def test_a_rotated_secret_key_reads_old_values_through_its_fallback():
    with context("old key"):
        token = encrypt_text("totp", "hemmelig")
    with context("new key"), pytest.raises(InvalidToken):
        decrypt_text("totp", token)
    with context("new key", "old key"):
        assert decrypt_text("totp", token) == "hemmelig"
        moved = rotate("totp", token)
    with context("new key"):
        assert decrypt_text("totp", moved) == "hemmelig"


def test_bytes_and_text_keys_agree():
    with context("same key"):
        token = encrypt_text("totp", "hemmelig")
    app = Flask(__name__)
    app.config.update(SECRET_KEY=b"same key")
    with app.app_context():
        assert decrypt_text("totp", token) == "hemmelig"
