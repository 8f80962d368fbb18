"""A decision whose subject (行政相对人) is a natural person rather than the unit: the person's
name and ID (kept in full, published masked).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 05:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enforcement_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('person_id_type', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('person_id_number', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('enforcement_records', schema=None) as batch_op:
        batch_op.drop_column('person_id_number')
        batch_op.drop_column('person_id_type')
        batch_op.drop_column('person_name')
