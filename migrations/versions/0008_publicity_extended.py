"""A penalty kept public past its own maximum because its fine is unpaid: the day it was found.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 05:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enforcement_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('publicity_blocked_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('enforcement_records', schema=None) as batch_op:
        batch_op.drop_column('publicity_blocked_on')
