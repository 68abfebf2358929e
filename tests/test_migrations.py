"""The migrations build exactly the tables the models describe."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from pairs_group.db import db


def test_models_and_migrations_do_not_differ(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "run: flask --app wsgi db migrate -m '...'"


def test_every_table_has_a_migration(app):
    with db.engine.connect() as connection:
        existing = set(sa.inspect(connection).get_table_names())
    assert set(db.metadata.tables) <= existing
