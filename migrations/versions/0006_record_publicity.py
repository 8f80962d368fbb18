"""A penalty record's own publicity machine, and restoration requests for one record.

Existing penalty records get their publicity state from what happened to them: revoked ->
withdrawn; a withdrawal queued or delivered while the record stays active (until now the end
of a listing withdrew its basis records) -> ended_early; a delivered addition -> public;
otherwise awaiting. A restoration request now names a listing or a record, exactly one.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 04:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

STATES = "'awaiting','public','restoration_requested','ended_early','expired','withdrawn'"
OPEN = sa.text("status = 'submitted'")


def upgrade():
    with op.batch_alter_table('enforcement_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('publicity_status', sa.String(length=24), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_enforcement_records_publicity_status'), f"publicity_status IS NULL OR publicity_status IN ({STATES})")

    op.execute("""
        UPDATE enforcement_records SET publicity_status = CASE
          WHEN status = 'revoked' THEN 'withdrawn'
          WHEN EXISTS (SELECT 1 FROM disclosure_items i WHERE i.record_id = enforcement_records.id
                       AND i.op = 'withdraw') THEN 'ended_early'
          WHEN EXISTS (SELECT 1 FROM disclosure_items i WHERE i.record_id = enforcement_records.id
                       AND i.op = 'add' AND i.status = 'delivered') THEN 'public'
          ELSE 'awaiting' END
        WHERE category = 'penalty'
    """)

    op.drop_index('uq_restoration_requests_listing_id_open', table_name='restoration_requests')
    with op.batch_alter_table('restoration_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_id', sa.Integer(), nullable=True))
        batch_op.alter_column('listing_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f('fk_restoration_requests_record_id_enforcement_records'),
            'enforcement_records', ['record_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_restoration_requests_record_id'), ['record_id'])
        batch_op.create_check_constraint(op.f('ck_restoration_requests_subject'), "(listing_id IS NULL) <> (record_id IS NULL)")
    op.create_index('uq_restoration_requests_listing_id_open', 'restoration_requests',
                    ['listing_id'], unique=True, sqlite_where=OPEN, postgresql_where=OPEN)
    op.create_index('uq_restoration_requests_record_id_open', 'restoration_requests',
                    ['record_id'], unique=True, sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    op.drop_index('uq_restoration_requests_record_id_open', table_name='restoration_requests')
    op.drop_index('uq_restoration_requests_listing_id_open', table_name='restoration_requests')
    op.execute("DELETE FROM restoration_files WHERE request_id IN "
               "(SELECT id FROM restoration_requests WHERE record_id IS NOT NULL)")
    op.execute("DELETE FROM notifications WHERE request_id IN "
               "(SELECT id FROM restoration_requests WHERE record_id IS NOT NULL)")
    op.execute("DELETE FROM restoration_requests WHERE record_id IS NOT NULL")
    with op.batch_alter_table('restoration_requests', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_restoration_requests_subject'), type_='check')
        batch_op.drop_index(batch_op.f('ix_restoration_requests_record_id'))
        batch_op.drop_constraint(
            batch_op.f('fk_restoration_requests_record_id_enforcement_records'),
            type_='foreignkey')
        batch_op.alter_column('listing_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('record_id')
    op.create_index('uq_restoration_requests_listing_id_open', 'restoration_requests',
                    ['listing_id'], unique=True, sqlite_where=OPEN, postgresql_where=OPEN)

    with op.batch_alter_table('enforcement_records', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_enforcement_records_publicity_status'), type_='check')
        batch_op.drop_column('publicity_status')
