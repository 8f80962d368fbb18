"""Keyed audit chain: the unit keeps its chain head and a seal; hashes become HMACs under the
audit key (kept outside the database); TRUNCATE of the trail is refused on PostgreSQL.

Existing chains that verify under the old unkeyed SHA-256 are re-hashed with the key, and their
heads and seals written; a chain that does not verify is left as it is, so that it stays
reported as broken.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 08:00:00

"""
import datetime as dt
import hashlib
import hmac
import json

from alembic import op
import sqlalchemy as sa
from flask import current_app


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
HASHED = ("unit_id", "seq", "trigger", "from_status", "to_status", "actor_id", "actor", "role",
          "reason", "refs", "occurred_at")
PUBLICITY_TRIGGERS = {"publish", "request_record_restoration", "approve_record_restoration",
                      "reject_record_restoration", "withdraw_record_restoration",
                      "expire_record", "withdraw_record"}
events = sa.table(
    "audit_events", sa.column("id", sa.Integer), sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String), sa.column("refs", sa.JSON),
    sa.column("occurred_at", sa.DateTime(timezone=True)),
    *[sa.column(name) for name in HASHED if name not in ("refs", "occurred_at")],
)
units = sa.table("units", sa.column("id", sa.Integer), sa.column("credit_status", sa.String),
                 sa.column("audit_seq", sa.Integer), sa.column("audit_head", sa.String),
                 sa.column("audit_seal", sa.String))


def _digest(prev, row, key):
    body = {k: row[k] for k in HASHED}
    at = row["occurred_at"]
    at = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)
    body["occurred_at"] = at.isoformat(timespec="microseconds")
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    message = (prev + canonical).encode()
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _rehash(conn, key):
    statuses = dict(conn.execute(sa.select(units.c.id, units.c.credit_status)).all())
    rows = conn.execute(sa.select(events).order_by(events.c.unit_id, events.c.seq)).mappings()
    chains = {}
    for row in rows:
        chains.setdefault(row["unit_id"], []).append(dict(row))
    for unit_id, chain in chains.items():
        prev, valid = GENESIS, True
        for position, row in enumerate(chain, start=1):
            if (row["seq"] != position or row["prev_hash"] != prev
                    or _digest(prev, row, None) != row["hash"]):
                valid = False
                break
            prev = row["hash"]
        if not valid:  # left as it is: reported as broken
            last = chain[-1]
            conn.execute(units.update().where(units.c.id == unit_id).values(
                audit_seq=last["seq"], audit_head=last["hash"], audit_seal=None))
            continue
        prev = GENESIS
        for row in chain:
            digest = _digest(prev, row, key)
            conn.execute(events.update().where(events.c.id == row["id"])
                         .values(prev_hash=prev, hash=digest))
            prev = digest
        seq, status = chain[-1]["seq"], statuses[unit_id]
        seal = hmac.new(key, f"{unit_id}|{seq}|{prev}|{status}".encode(),
                        hashlib.sha256).hexdigest()
        conn.execute(units.update().where(units.c.id == unit_id).values(
            audit_seq=seq, audit_head=prev, audit_seal=seal))


def upgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audit_seq', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('audit_head', sa.String(length=64), server_default=GENESIS, nullable=False))
        batch_op.add_column(sa.Column('audit_seal', sa.String(length=64), nullable=True))
    conn = op.get_bind()
    postgresql = conn.dialect.name == "postgresql"
    if postgresql:
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change")
    else:
        op.execute("DROP TRIGGER audit_events_no_update")
    _rehash(conn, str(current_app.config["AUDIT_KEY"]).encode())
    if postgresql:
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change")
        op.execute("CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()")
    else:
        op.execute("CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
                   "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
    # The HMACs stay: an unkeyed chain cannot be restored without rewriting history.
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('audit_seal')
        batch_op.drop_column('audit_head')
        batch_op.drop_column('audit_seq')
