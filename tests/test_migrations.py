"""The migrations build exactly the tables the models describe, on SQLite and PostgreSQL."""

import os

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from pairs_group import create_app
from pairs_group.db import db


def differences(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_a_freshly_migrated_sqlite_database_matches_the_models(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "DATABASE_URL": f"sqlite:///{tmp_path}/fresh.sqlite3"})
    with app.app_context():
        upgrade()
        assert differences(db.engine) == [], "run: flask --app wsgi db migrate -m '...'"
        db.engine.dispose()


def test_the_test_database_was_built_by_the_migrations_and_matches(app):
    if os.environ.get("PAIRS_TEST_SCHEMA") == "models":
        return  # built from the models while features are written: nothing to compare
    assert differences(db.engine) == []
    with db.engine.connect() as connection:
        assert set(db.metadata.tables) <= set(sa.inspect(connection).get_table_names())
