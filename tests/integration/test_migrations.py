"""The schema comes from the migrations, and the models do not drift from them."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db
from app.models import NOT_MODELLED


def test_models_and_migrations_do_not_drift(ctx):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_name": lambda name, type_, _: (type_, name) not in NOT_MODELLED,
            },
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_the_database_is_at_the_single_head(ctx):
    config = ctx.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    heads = script.get_heads()
    assert len(heads) == 1
    with db.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == heads[0]


def test_downgrade_to_base_and_upgrade_again(ctx):
    downgrade(revision="base")
    tables = set(inspect(db.engine).get_table_names()) - {"alembic_version", "apscheduler_jobs"}
    assert tables == set()
    upgrade()
    assert set(db.metadata.tables) <= set(inspect(db.engine).get_table_names())
