"""Reliability of the database: SQLite's settings, backup and restore, and a friendly 503
while PostgreSQL is away, recovering by itself when it is back."""

import os
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
import sqlalchemy as sa

from pairs_group.db import db
from pairs_group.groups.models import Venue
from tests import factories
from tests.conftest import count_rows
from tests.pages import Page
from tests.resources import port_open, throwaway_postgres_database, unavailable
from tests.tcp_proxy import TcpProxy

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


def test_postgres_connections_are_checked_before_use(app):
    if on_sqlite():
        assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["timeout"] >= 5
    else:
        assert db.engine.pool._pre_ping


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


def wait_for(check, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    return check()


@pytest.mark.postgres
def test_a_database_outage_gives_a_503_page_and_the_app_recovers_by_itself(make_app):
    if not port_open(POSTGRES_SERVER, 5432):
        unavailable(f"no PostgreSQL server at {POSTGRES_SERVER}")
    make_app()  # the fixture cleans up through its first app: the usual test database
    with throwaway_postgres_database(POSTGRES_SERVER) as url:
        parts = urlsplit(url)
        proxy = TcpProxy(parts.hostname, parts.port or 5432).start()
        proxied = urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}"))
        app = make_app(DATABASE_URL=proxied,
                       SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True,
                                                  "connect_args": {"connect_timeout": 2}})
        try:
            with app.app_context():
                db.create_all()
                client = app.test_client()
                sign_in = {"email": "nobody@example.nhs.uk", "password": "x" * 14}
                assert client.post("/staff/sign-in", data=sign_in).status_code == 200
                proxy.stop()
                page = Page(client.post("/staff/sign-in", data=sign_in)).check(503)
                assert "the service is unavailable" in page.text
                assert client.get("/healthz").status_code == 503
                proxy.start()
                assert wait_for(lambda: client.post("/staff/sign-in", data=sign_in)
                                .status_code == 200)
                db.session.remove()
                db.engine.dispose()
        finally:
            proxy.stop()
