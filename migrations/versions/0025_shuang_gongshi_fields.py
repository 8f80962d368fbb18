"""The 双公示 fields from the record: a penalty's 违法行为类型 and a licence's 许可事项 (which names
its 行政许可决定文书名称); a licence's 有效期至 may stay empty (长期, it always could in the table).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 13:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enforcement_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('violation_type', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('licence_item', sa.String(length=30), nullable=True))


def downgrade():
    with op.batch_alter_table('enforcement_records', schema=None) as batch_op:
        batch_op.drop_column('licence_item')
        batch_op.drop_column('violation_type')
