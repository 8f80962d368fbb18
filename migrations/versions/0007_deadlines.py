"""Deadlines that can be re-dated: how each item's due date was counted; the revoking
decision's date on a revoked record.

Pending additions get their start (the decision date) and working days (7 or 20 by category)
back; other existing items keep their due date as it is.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 05:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('disclosure_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('due_workdays', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('due_provisional', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    with op.batch_alter_table('enforcement_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_on', sa.Date(), nullable=True))

    op.execute("""
        UPDATE disclosure_items SET
          due_from = (SELECT r.decided_on FROM enforcement_records r
                      WHERE r.id = disclosure_items.record_id),
          due_workdays = CASE WHEN category IN ('penalty', 'licensing') THEN 7 ELSE 20 END,
          due_provisional = (SELECT r.publish_by_provisional FROM enforcement_records r
                             WHERE r.id = disclosure_items.record_id)
        WHERE op = 'add' AND status = 'pending'
    """)
    day = "date(revoked_at)" if op.get_bind().dialect.name == "sqlite" else "revoked_at::date"
    op.execute(f"UPDATE enforcement_records SET revoked_on = {day} WHERE revoked_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('enforcement_records', schema=None) as batch_op:
        batch_op.drop_column('revoked_on')
    with op.batch_alter_table('disclosure_items', schema=None) as batch_op:
        batch_op.drop_column('due_provisional')
        batch_op.drop_column('due_workdays')
        batch_op.drop_column('due_from')
