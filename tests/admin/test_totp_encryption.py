"""TOTP secrets are encrypted at rest, survive a rotated SECRET_KEY, and the migration encrypts old ones."""
from __future__ import annotations

import base64

import pyotp
import pytest
from cryptography.fernet import InvalidToken
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from kiosk.encryption import decrypt_text
from kiosk.extensions import db
from kiosk.models import Role
from tests.admin.staffing import csrf_from, make_staff, sign_in
from tests.conftest import _make_app

A, M = Role.ADMIN, Role.MODERATOR
BEFORE = "e4b2510d65fe"  # the revision before TOTP secrets were encrypted


def stored_secret(session, user_id: int) -> str:
    session.rollback()
    return session.execute(text("SELECT totp_secret_encrypted FROM staff_user WHERE id = :id"), {"id": user_id}).scalar_one()


def test_the_database_holds_no_plain_secret_and_sign_in_works(app, session, make_staff):
    staff = make_staff(A)
    stored = stored_secret(session, staff.id)
    assert staff.secret not in stored and staff.secret.lower() not in stored.lower()
    assert staff.secret.encode() not in base64.urlsafe_b64decode(stored)  # not merely encoded either
    with app.app_context():
        assert decrypt_text("totp", stored) == staff.secret
    client = app.test_client()
    assert sign_in(client, staff).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_secret_being_set_up_is_encrypted_too(app, session, make_staff):
    staff = make_staff(M, two_factor=False)
    client = app.test_client()
    sign_in(client, staff)
    page = client.get("/admin/two-factor/setup").get_data(as_text=True)
    secret = page.split('<code class="secret">')[1].split("</code>")[0]
    assert secret not in stored_secret(session, staff.id)
    response = client.post("/admin/two-factor/setup", data={"csrf_token": csrf_from(page), "code": pyotp.TOTP(secret).now()})
    assert "Gjenopprettingskoder" in response.get_data(as_text=True)
    assert secret not in stored_secret(session, staff.id)


def test_rotating_the_secret_key_keeps_two_factor_working(database_url, tmp_path, session):
    old_app = _make_app(database_url, tmp_path / "old", SECRET_KEY="the old secret key")
    staff = make_staff(old_app, session, A)
    # The operator rotates the key and keeps the old one as a fallback for a while.
    rotated = _make_app(database_url, tmp_path / "new", SECRET_KEY="the new secret key", SECRET_KEY_FALLBACKS=["the old secret key"])
    client = rotated.test_client()
    assert sign_in(client, staff).status_code == 302
    assert client.get("/admin/").status_code == 200
    # Signing in re-encrypted the secret under the new key: the fallback can go.
    new_only = _make_app(database_url, tmp_path / "newer", SECRET_KEY="the new secret key")
    with new_only.app_context():
        assert decrypt_text("totp", stored_secret(session, staff.id)) == staff.secret
    with _make_app(database_url, tmp_path / "other", SECRET_KEY="some other key").app_context():
        with pytest.raises(InvalidToken):
            decrypt_text("totp", stored_secret(session, staff.id))
    for each in (old_app, rotated, new_only):
        with each.app_context():
            db.engine.dispose()


def test_the_migration_encrypts_existing_secrets_and_downgrade_decrypts_them(app):
    plain = pyotp.random_base32()
    with app.app_context():
        downgrade(revision=BEFORE)
        assert "totp_secret" in {c["name"] for c in inspect(db.engine).get_columns("staff_user")}
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO staff_user (email, name, role, password_hash, totp_secret, created_at)"
                    " VALUES ('gammel@example.no', 'Gammel', 'council', 'x', :secret, '2026-11-22 10:00:00')"
                ),
                {"secret": plain},
            )
        upgrade()
        with db.engine.connect() as connection:
            stored = connection.execute(text("SELECT totp_secret_encrypted FROM staff_user")).scalar_one()
        assert plain not in stored and decrypt_text("totp", stored) == plain
        downgrade(revision=BEFORE)
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT totp_secret FROM staff_user")).scalar_one() == plain
        upgrade()
