"""Disclosure items carry their record's sequence number; the platform's receipt is kept.

Items: ``seq`` (existing items take their id: ids grew with every change, and new items take
the clock's microseconds, far above), ``rejection`` (why the platform refused the item), and
the statuses ``rejected`` and ``superseded``. Batches: ``receipt``, ``rejected_count`` and the
status ``superseded`` (a retry whose every item a newer delivered item overtook).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 10:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

ITEMS_BEFORE = "status IN ('pending','claimed','delivered')"
ITEMS_AFTER = "status IN ('pending','claimed','delivered','rejected','superseded')"
BATCHES_BEFORE = "status IN ('pending','retrying','delivered','failed')"
BATCHES_AFTER = "status IN ('pending','retrying','delivered','failed','superseded')"
OUTCOMES_BEFORE = "outcome IS NULL OR outcome IN ('delivered','retrying','failed')"
OUTCOMES_AFTER = "outcome IS NULL OR outcome IN ('delivered','retrying','failed','superseded')"


def upgrade():
    with op.batch_alter_table('disclosure_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('rejection', sa.Text(), nullable=True))
    op.execute("UPDATE disclosure_items SET seq = id")
    with op.batch_alter_table('disclosure_items', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.BigInteger(), nullable=False)
        batch_op.drop_constraint(op.f('ck_disclosure_items_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_disclosure_items_status'), ITEMS_AFTER)
    with op.batch_alter_table('disclosure_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('rejected_count', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.drop_constraint(op.f('ck_disclosure_batches_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_disclosure_batches_status'), BATCHES_AFTER)
    with op.batch_alter_table('batch_attempts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_batch_attempts_outcome'), type_='check')
        batch_op.create_check_constraint(op.f('ck_batch_attempts_outcome'), OUTCOMES_AFTER)


def downgrade():
    # Lossy: the old schema has no word for these (a superseded batch becomes failed, so an
    # admin looks at it; a rejected item delivered, as the old publisher would have said).
    op.execute("UPDATE disclosure_batches SET status = 'failed' WHERE status = 'superseded'")
    op.execute("UPDATE disclosure_items SET status = 'claimed' WHERE status = 'superseded'")
    op.execute("UPDATE disclosure_items SET status = 'delivered' WHERE status = 'rejected'")
    op.execute("UPDATE batch_attempts SET outcome = 'failed' WHERE outcome = 'superseded'")
    with op.batch_alter_table('batch_attempts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_batch_attempts_outcome'), type_='check')
        batch_op.create_check_constraint(op.f('ck_batch_attempts_outcome'), OUTCOMES_BEFORE)
    with op.batch_alter_table('disclosure_batches', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_disclosure_batches_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_disclosure_batches_status'), BATCHES_BEFORE)
        batch_op.drop_column('rejected_count')
        batch_op.drop_column('receipt')
    with op.batch_alter_table('disclosure_items', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_disclosure_items_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_disclosure_items_status'), ITEMS_BEFORE)
        batch_op.drop_column('rejection')
        batch_op.drop_column('seq')
