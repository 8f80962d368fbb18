"""A listing is published as an item of its own (category listing, no record): the category
joins the disclosure categories of items, batches and run requests; an item names a record or,
for a listing's own, only the listing.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

OLD = "'inspection','penalty','coercive_measure','licensing'"
NEW = OLD + ",'listing'"


def _categories(table, values, nullable=False):
    test = f"category IN ({values})"
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f'ck_{table}_category'), type_='check')
        batch_op.create_check_constraint(
            op.f(f'ck_{table}_category'), f"category IS NULL OR {test}" if nullable else test)


def upgrade():
    _categories('disclosure_batches', NEW)
    _categories('run_requests', NEW, nullable=True)
    with op.batch_alter_table('disclosure_items', schema=None) as batch_op:
        batch_op.alter_column('record_id', existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(op.f('ck_disclosure_items_category'), type_='check')
        batch_op.create_check_constraint(op.f('ck_disclosure_items_category'),
                                         f"category IN ({NEW})")
        batch_op.create_check_constraint(op.f('ck_disclosure_items_subject'),
                                         "(category = 'listing') = (record_id IS NULL)")
        batch_op.create_check_constraint(op.f('ck_disclosure_items_listing'),
                                         "record_id IS NOT NULL OR listing_id IS NOT NULL")
        batch_op.create_index(batch_op.f('ix_disclosure_items_listing_id'), ['listing_id'])


def downgrade():
    op.execute("DELETE FROM disclosure_items WHERE record_id IS NULL")
    op.execute("DELETE FROM batch_attempts WHERE batch_id IN "
               "(SELECT id FROM disclosure_batches WHERE category = 'listing')")
    op.execute("DELETE FROM disclosure_batches WHERE category = 'listing'")
    op.execute("DELETE FROM run_requests WHERE category = 'listing'")
    with op.batch_alter_table('disclosure_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_items_listing_id'))
        batch_op.drop_constraint(op.f('ck_disclosure_items_listing'), type_='check')
        batch_op.drop_constraint(op.f('ck_disclosure_items_subject'), type_='check')
        batch_op.drop_constraint(op.f('ck_disclosure_items_category'), type_='check')
        batch_op.create_check_constraint(op.f('ck_disclosure_items_category'),
                                         f"category IN ({OLD})")
        batch_op.alter_column('record_id', existing_type=sa.Integer(), nullable=False)
    _categories('run_requests', OLD, nullable=True)
    _categories('disclosure_batches', OLD)
