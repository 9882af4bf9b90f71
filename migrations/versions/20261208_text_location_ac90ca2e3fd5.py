"""Free text keeps its submission's place, so that a place's text is read without its submissions.

Reviewed by hand. A digest reads a week's released text at the council's places, the urgent count and
the moderation lists the same; each had to look up every text's submission for its place. On
PostgreSQL that meant hashing all of the week's submissions (19,000 at a million) to find the
texts' 1,500. The place is copied from each text's submission, so nothing else changes; it tells no
more than the submission beside it already does.

On SQLite the table is rebuilt (batch mode) to make the column NOT NULL with its foreign key; it stays
WITHOUT ROWID, so its rows stay in id order, which says nothing about arrival. The downgrade drops the
column.

Revision ID: ac90ca2e3fd5
Revises: d4a7e2b9c815
Create Date: 2026-12-08
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ac90ca2e3fd5"
down_revision = "d4a7e2b9c815"
branch_labels = None
depends_on = None

WITHOUT_ROWID = {"sqlite_with_rowid": False}
FOREIGN_KEY = "fk_free_text_location_id_location"


def upgrade() -> None:
    op.add_column("free_text", sa.Column("location_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE free_text SET location_id = "
        "(SELECT submission.location_id FROM submission WHERE submission.id = free_text.submission_id)"
    )
    missing = op.get_bind().execute(sa.text("SELECT count(*) FROM free_text WHERE location_id IS NULL")).scalar()
    if missing:
        raise RuntimeError(f"{missing} free-text answers have no submission to take a place from")
    with op.batch_alter_table("free_text", table_kwargs=WITHOUT_ROWID) as batch:
        batch.alter_column("location_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(FOREIGN_KEY, "location", ["location_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("free_text", table_kwargs=WITHOUT_ROWID) as batch:
        batch.drop_constraint(FOREIGN_KEY, type_="foreignkey")
        batch.drop_column("location_id")
