"""Fencing tokens: a token per delivery attempt of a batch, a term per scheduler tenure.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 04:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('disclosure_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_token', sa.String(length=32), nullable=True))

    with op.batch_alter_table('scheduler_leases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('term', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('scheduler_leases', schema=None) as batch_op:
        batch_op.drop_column('term')

    with op.batch_alter_table('disclosure_batches', schema=None) as batch_op:
        batch_op.drop_column('lease_token')
