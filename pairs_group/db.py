"""The database: SQLAlchemy models' base, UTC times, SQLite pragmas, pooled PostgreSQL
connections the server closed, read pages run statement by statement, and migrations."""

import select
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app, g, has_request_context, request
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase

from pairs_group.config import database_uri

# Named constraints let Alembic alter tables on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)


def insert_if_new(model, **values):
    """INSERT ... ON CONFLICT DO NOTHING: True when this call stored the row, False when a
    row with the same unique values was there (or is being stored by a transaction that then
    commits: PostgreSQL makes this one wait for it). One statement, no savepoint: the caller
    commits."""
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[db.session.get_bind().dialect.name]
    table = model.__table__
    statement = (dialect.insert(table).values(**values).on_conflict_do_nothing()
                 .returning(*table.primary_key.columns))
    return db.session.execute(statement).first() is not None  # no key back: it was there


@contextmanager
def kept_after_commit():
    """Commits that leave the loaded rows loaded, for work that reads them after its commit,
    or that is done with them: expiring each one would be work wasted."""
    session = db.session()
    before, session.expire_on_commit = session.expire_on_commit, False
    try:
        yield
    finally:
        session.expire_on_commit = before


@contextmanager
def savepoint():
    """A savepoint inside the caller's transaction, who commits. pysqlite begins a transaction
    only before a write, so a savepoint opened first would begin its own, and releasing it
    would commit: on SQLite the transaction is begun here first."""
    connection = db.session.connection()
    driver = connection.connection.driver_connection
    if connection.dialect.name == "sqlite" and not driver.in_transaction:
        connection.exec_driver_sql("BEGIN")
    with db.session.begin_nested():
        yield


def utcnow():
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A moment in time: stored as naive UTC, always returned aware in UTC.

    SQLite keeps no time zone, so the column type does the converting in one place.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC moment is stored")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL lets readers and a writer work at once; foreign keys are off unless asked for."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@sa.event.listens_for(sa.pool.Pool, "checkout")
def _drop_connections_the_server_closed(dbapi_connection, _record, _proxy):
    """Before a pooled PostgreSQL connection is lent to a request: when the server closed it
    while it waited in the pool (a restart, a fail-over, a proxy or time-out cutting it), its
    socket has something to read though nothing was asked. Then this and every older pooled
    connection is thrown away and a new one made (SQLAlchemy's own reconnect on checkout).

    SQLAlchemy's pre-ping asks the server instead: a round trip on every page, which on
    PostgreSQL cost about as much as serving a bare Flask page. A connection that dies silently
    (no close reaches us) is caught by neither before use; its statement fails and the page
    is the 503 page, as with the pre-ping."""
    if type(dbapi_connection).__module__.split(".")[0] != "psycopg":
        return
    if dbapi_connection.closed:
        raise sa.exc.InvalidatePoolError("this pooled connection was closed")
    poller = select.poll()  # readable, hung up or in error now; a poll that never waits
    poller.register(dbapi_connection.fileno(), select.POLLIN)
    if poller.poll(0):
        raise sa.exc.InvalidatePoolError("the server closed this pooled connection")


class OneWriteOnly(RuntimeError):
    """A view run statement by statement tried a second write: it needs a transaction."""


STATEMENT_BY_STATEMENT = "db.statement_by_statement"  # app.extensions: the endpoints


def statement_by_statement(app, *endpoints):
    """Run these endpoints' GETs statement by statement. Each feature names its own pages whose
    GET only reads, or reads and then writes one row (a read-audit): each of their statements
    then runs on its own, committed by the database as it runs (the driver's autocommit), with
    no BEGIN before them and no ROLLBACK or COMMIT after. On PostgreSQL those are two round
    trips of the four to six a busy page made with them, and each costs the worker about half
    a bare page's CPU. Reading committed data, as every transaction here does (PostgreSQL's default
    isolation), a page sees the same without one. A second write in such a request fails
    (OneWriteOnly), before it is sent: two writes need a transaction to be all or nothing.

    PostgreSQL only: on SQLite, Python's driver begins no transaction before a read (only
    before a write), so reads already run on their own there, and switching the connection's
    isolation would cost a PRAGMA on every page and save nothing (init_app leaves it off)."""
    app.extensions.setdefault(STATEMENT_BY_STATEMENT, set()).update(endpoints)


def _begin_statement_by_statement():
    if request.method in ("GET", "HEAD") \
            and request.endpoint in current_app.extensions.get(STATEMENT_BY_STATEMENT, ()) \
            and not db.session().in_transaction():  # a test's session may have begun one
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        g.statement_by_statement = 0  # writes so far


def _end_statement_by_statement(_error=None):
    """Give the connection back (the pool resets its isolation): a session kept across
    requests (tests keep the app's context) must not go on in autocommit. Nothing is rolled
    back: each statement was committed as it ran."""
    if g.pop("statement_by_statement", None) is not None and db.session().in_transaction():
        db.session.rollback()


@sa.event.listens_for(sa.engine.Engine, "before_cursor_execute")
def _one_write_only(conn, _cursor, _statement, _parameters, context, _executemany):
    if not (context.isinsert or context.isupdate or context.isdelete):
        return
    if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT" \
            or not has_request_context() or "statement_by_statement" not in g:
        return
    g.statement_by_statement += 1
    if g.statement_by_statement > 1:
        raise OneWriteOnly(f"{request.endpoint} writes twice outside a transaction")


def init_app(app):
    """Wire the database and migrations to the app (nothing touches the database here)."""
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(app.config["DATABASE_URL"])
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.config["MIGRATIONS_DIR"]))
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):  # statement_by_statement
        app.before_request(_begin_statement_by_statement)
        app.teardown_request(_end_statement_by_statement)
