"""Kiosk tablets: devices, tablet settings on locations, device and burst marks on submissions.

Reviewed by hand: on SQLite, batch mode rebuilds a table from reflection, which does not see WITHOUT
ROWID, so the submission table is rebuilt with it stated again (table_kwargs). Boolean defaults use
sa.false() so that SQLite gets 0 and PostgreSQL gets false.

Revision ID: 7de80e9a5542
Revises: 2c9399c13769
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "7de80e9a5542"
down_revision = "2c9399c13769"
branch_labels = None
depends_on = None

WITHOUT_ROWID = {"sqlite_with_rowid": False}


def upgrade() -> None:
    op.create_table(
        "device",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("pairing_code_hash", sa.String(length=64), nullable=True),
        sa.Column("pairing_expires_at", sa.DateTime(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("paired_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_seen_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], name=op.f("fk_device_location_id_location")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device")),
        sa.UniqueConstraint("pairing_code_hash", name=op.f("uq_device_pairing_code_hash")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_device_token_hash")),
    )
    with op.batch_alter_table("location") as batch:
        batch.add_column(sa.Column("kiosk_form_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("idle_reset_seconds", sa.Integer(), server_default="60", nullable=False))
        batch.add_column(sa.Column("opening_hours", sa.JSON(), server_default="{}", nullable=False))
        batch.add_column(sa.Column("sleep_outside_hours", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.create_foreign_key("fk_location_kiosk_form_id_form", "form", ["kiosk_form_id"], ["id"])
    with op.batch_alter_table("submission", table_kwargs=WITHOUT_ROWID) as batch:
        batch.add_column(sa.Column("device_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("burst", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.create_foreign_key("fk_submission_device_id_device", "device", ["device_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("submission", table_kwargs=WITHOUT_ROWID) as batch:
        batch.drop_constraint("fk_submission_device_id_device", type_="foreignkey")
        batch.drop_column("burst")
        batch.drop_column("device_id")
    with op.batch_alter_table("location") as batch:
        batch.drop_constraint("fk_location_kiosk_form_id_form", type_="foreignkey")
        batch.drop_column("sleep_outside_hours")
        batch.drop_column("opening_hours")
        batch.drop_column("idle_reset_seconds")
        batch.drop_column("kiosk_form_id")
    op.drop_table("device")
