"""Reliability of the database: SQLite's settings, backup and restore (outages are in
test_reliability_outages.py)."""

import os
import time
from contextlib import ExitStack

import pytest
import sqlalchemy as sa

from pairs_group.db import db
from pairs_group.groups.models import Venue
from tests import factories
from tests.conftest import count_rows

POSTGRES_SERVER = os.environ.get("TEST_DATABASE_URL",
                                 "postgresql://postgres@127.0.0.1:5432/test")


def on_sqlite():
    return db.engine.url.get_backend_name() == "sqlite"


def test_sqlite_uses_wal_a_busy_timeout_and_foreign_keys(app):
    if not on_sqlite():
        pytest.skip("SQLite settings")
    with db.engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 15000


def test_sqlite_refuses_a_row_that_points_nowhere(app):
    if not on_sqlite():
        pytest.skip("SQLite settings")
    with pytest.raises(sa.exc.IntegrityError):
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO dyad (parent_id, baby_id, pseudonym, created_at) "
                "VALUES (9999, 9999, 'DXXXX', '2027-01-01 00:00:00')")


def test_a_pooled_connection_the_server_closed_is_replaced_before_use(app):
    """PostgreSQL ends a pooled connection (as a restart does): the next page gets a new one,
    without the round trip a pre-ping costs on every page."""
    if on_sqlite():
        assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["timeout"] >= 5
        return
    assert not db.engine.pool._pre_ping
    pid = sa.text("SELECT pg_backend_pid()")
    db.session.remove()
    with db.engine.connect() as pooled:
        ended = pooled.scalar(pid)
    beside = sa.create_engine(db.engine.url, poolclass=sa.pool.NullPool,
                              isolation_level="AUTOCOMMIT")
    with beside.connect() as connection:
        assert connection.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": ended})
        alive = sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
        deadline = time.monotonic() + 5
        while connection.scalar(alive, {"pid": ended}) and time.monotonic() < deadline:
            time.sleep(0.05)
    beside.dispose()
    with ExitStack() as lent:  # every pooled connection at once, so the ended one among them
        pids = {lent.enter_context(db.engine.connect()).scalar(pid)
                for _ in range(db.engine.pool.checkedin())}
    assert pids and ended not in pids


def test_a_backup_can_be_restored_exactly(app, runner, tmp_path):
    if not on_sqlite():
        result = runner.invoke(args=["backup", str(tmp_path / "b.sqlite3")])
        assert result.exit_code != 0 and "pg_dump" in result.output
        return
    factories.make_venue(name="Before the backup")
    db.session.commit()
    target = tmp_path / "pairs-backup.sqlite3"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert oct(target.stat().st_mode)[-3:] == "600"
    assert runner.invoke(args=["backup", str(target)]).exit_code != 0  # never overwrites
    factories.make_venue(name="After the backup")
    db.session.commit()
    assert count_rows(Venue) == 2
    result = runner.invoke(args=["restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    names = db.session.scalars(sa.select(Venue.name)).all()
    assert names == ["Before the backup"]


def test_restore_refuses_a_file_that_is_not_a_database(app, runner, tmp_path):
    if not on_sqlite():
        pytest.skip("SQLite restore")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    result = runner.invoke(args=["restore", "--yes", str(junk)])
    assert result.exit_code != 0
