"""Sign-in hardening: TOTP secrets encrypted at rest, limits on wrong codes, throttle buckets per key.

Reviewed by hand. staff_user.totp_secret becomes totp_secret_encrypted (a Fernet token is about 140
characters, so the column grows to 255) and every stored secret is encrypted with the key derived from
the app's SECRET_KEY for the purpose "totp" (kiosk/encryption.py); downgrade decrypts them again. The
purpose is written out here, not imported, so this migration keeps doing what it did if the code moves.
It runs inside the app (flask db upgrade), so current_app.config holds the secret.

Wrong codes are counted per account (code_failures, code_wait_until) and per session (code_failures).
login_throttle.email_hash becomes key_hash: a bucket is an e-mail address (same hash as before, so
existing rows keep counting) or a known browser; last_failure_at gets an index, since stale buckets are
pruned by it. Integer columns get server defaults for existing rows.

Revision ID: 1d597b9084af
Revises: e4b2510d65fe
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

from kiosk.encryption import decrypt_text, encrypt_text

revision = "1d597b9084af"
down_revision = "e4b2510d65fe"
branch_labels = None
depends_on = None

PURPOSE = "totp"


def upgrade() -> None:
    with op.batch_alter_table("staff_user") as batch:
        batch.alter_column(
            "totp_secret", new_column_name="totp_secret_encrypted", type_=sa.String(length=255), existing_nullable=True
        )
        batch.add_column(sa.Column("code_failures", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("code_wait_until", sa.DateTime(), nullable=True))
    _convert("totp_secret_encrypted", lambda secret: encrypt_text(PURPOSE, secret))
    with op.batch_alter_table("staff_session") as batch:
        batch.add_column(sa.Column("code_failures", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("login_throttle") as batch:
        batch.alter_column("email_hash", new_column_name="key_hash", existing_type=sa.String(length=64), existing_nullable=False)
        batch.create_index(batch.f("ix_login_throttle_last_failure_at"), ["last_failure_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("login_throttle") as batch:
        batch.drop_index(batch.f("ix_login_throttle_last_failure_at"))
        batch.alter_column("key_hash", new_column_name="email_hash", existing_type=sa.String(length=64), existing_nullable=False)
    with op.batch_alter_table("staff_session") as batch:
        batch.drop_column("code_failures")
    _convert("totp_secret_encrypted", lambda token: decrypt_text(PURPOSE, token))
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_column("code_wait_until")
        batch.drop_column("code_failures")
        batch.alter_column(
            "totp_secret_encrypted", new_column_name="totp_secret", type_=sa.String(length=64), existing_nullable=True
        )


def _convert(column: str, change) -> None:
    """Rewrite every non-empty value of staff_user.<column> with change(value)."""
    users = sa.table("staff_user", sa.column("id", sa.Integer()), sa.column(column, sa.String()))
    connection = op.get_bind()
    rows = connection.execute(sa.select(users.c.id, users.c[column]).where(users.c[column].is_not(None))).all()
    for user_id, value in rows:
        connection.execute(sa.update(users).where(users.c.id == user_id).values({column: change(value)}))
