"""双公示 fields: the legal representative's ID (published masked), the amount confiscated, the
licence suspended or revoked, how long a penalty is in effect, the certificate's name, and the
day a licence's lapse was published.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 05:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_rep_id_type', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('legal_rep_id_number', sa.String(length=40), nullable=True))
    with op.batch_alter_table('enforcement_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confiscation_amount', sa.Numeric(precision=14, scale=2),
                                      nullable=True))
        batch_op.add_column(sa.Column('licence_affected', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('effective_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('certificate_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('lapse_published_on', sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_enforcement_records_confiscation_amount'),
            'confiscation_amount IS NULL OR confiscation_amount >= 0')


def downgrade():
    with op.batch_alter_table('enforcement_records', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_enforcement_records_confiscation_amount'),
                                 type_='check')
        for column in ('lapse_published_on', 'certificate_name', 'effective_until',
                       'licence_affected', 'confiscation_amount'):
            batch_op.drop_column(column)
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('legal_rep_id_number')
        batch_op.drop_column('legal_rep_id_type')
