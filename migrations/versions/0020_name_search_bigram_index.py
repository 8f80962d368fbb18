"""Public name search at province scale (PostgreSQL only): the name's bigrams (every two
adjacent characters) in a GIN index, so a search for two or more Chinese characters is an index
lookup rather than a scan of every unit. SQLite keeps its plain LIKE.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-29 09:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

# Immutable (the same text, the same bigrams), so PostgreSQL can index it; a one-character
# name has none. Matching is still confirmed by LIKE: the bigrams only narrow the candidates.
BIGRAMS = """
CREATE OR REPLACE FUNCTION creditflow_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT ARRAY(SELECT DISTINCT substr(t, i, 2) FROM generate_series(1, length(t) - 1) AS i)
$$
"""


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(BIGRAMS)
    op.execute("CREATE INDEX ix_units_name_bigrams ON units USING gin (creditflow_bigrams(name))")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_units_name_bigrams")
    op.execute("DROP FUNCTION IF EXISTS creditflow_bigrams(text)")
