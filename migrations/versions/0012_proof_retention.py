"""Proofs of applications that ended without restoration are removed after a retention
period: the day each file was removed (its row stays, for the record of what was sent).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('restoration_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('restoration_files', schema=None) as batch_op:
        batch_op.drop_column('removed_at')
