"""Foundation: locations, forms and their versions, short links, anonymous submissions.

Reviewed by hand: texts are JSON objects keyed by language; enums are plain VARCHARs so that SQLite and
PostgreSQL agree; the submission, answer and idempotency tables are WITHOUT ROWID on SQLite so that their
storage order follows random ids, not arrival order.

Revision ID: 2c9399c13769
Revises:
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2c9399c13769'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('form',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form'))
    )
    op.create_table('location',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_location'))
    )
    op.create_table('form_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('intro', sa.JSON(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['form_id'], ['form.id'], name=op.f('fk_form_version_form_id_form')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_version')),
    sa.UniqueConstraint('form_id', 'number', name=op.f('uq_form_version_form_id_number'))
    )
    op.create_table('short_link',
    sa.Column('code', sa.String(length=6), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['form_id'], ['form.id'], name=op.f('fk_short_link_form_id_form')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_short_link_location_id_location')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_short_link')),
    sa.UniqueConstraint('form_id', 'location_id', name=op.f('uq_short_link_form_id_location_id'))
    )
    op.create_table('question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('text', sa.JSON(), nullable=False),
    sa.Column('help', sa.JSON(), nullable=False),
    sa.Column('scale_min', sa.Integer(), nullable=True),
    sa.Column('scale_max', sa.Integer(), nullable=True),
    sa.Column('scale_min_label', sa.JSON(), nullable=False),
    sa.Column('scale_max_label', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['form_version_id'], ['form_version.id'], name=op.f('fk_question_form_version_id_form_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question')),
    sa.UniqueConstraint('form_version_id', 'position', name=op.f('uq_question_form_version_id_position'))
    )
    op.create_table('submission',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('form_version_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('period_unit', sa.String(length=4), nullable=False),
    sa.ForeignKeyConstraint(['form_version_id'], ['form_version.id'], name=op.f('fk_submission_form_version_id_form_version')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_submission_location_id_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_form_version_id'), ['form_version_id'], unique=False)
        batch_op.create_index('ix_submission_location_period', ['location_id', 'period'], unique=False)

    op.create_table('idempotency_key',
    sa.Column('key', sa.Uuid(), nullable=False),
    sa.Column('body_hash', sa.String(length=64), nullable=False),
    sa.Column('submission_id', sa.Uuid(), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_idempotency_key_submission_id_submission'), ondelete='CASCADE', deferrable=True, initially='DEFERRED'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_idempotency_key')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('idempotency_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_key_created_on'), ['created_on'], unique=False)

    op.create_table('option',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_option_question_id_question')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_option')),
    sa.UniqueConstraint('question_id', 'position', name=op.f('uq_option_question_id_position'))
    )
    op.create_table('answer',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('submission_id', sa.Uuid(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('option_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['option_id'], ['option.id'], name=op.f('fk_answer_option_id_option')),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_answer_question_id_question')),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_answer_submission_id_submission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_submission_id'), ['submission_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_submission_id'))
        batch_op.drop_index(batch_op.f('ix_answer_question_id'))

    op.drop_table('answer')
    op.drop_table('option')
    with op.batch_alter_table('idempotency_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_key_created_on'))

    op.drop_table('idempotency_key')
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index('ix_submission_location_period')
        batch_op.drop_index(batch_op.f('ix_submission_form_version_id'))

    op.drop_table('submission')
    op.drop_table('question')
    op.drop_table('short_link')
    op.drop_table('form_version')
    op.drop_table('location')
    op.drop_table('form')
