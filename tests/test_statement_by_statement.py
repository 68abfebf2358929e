"""The busiest read pages run each statement on its own (the driver's autocommit: no BEGIN,
ROLLBACK or COMMIT round trips), write at most one row, and leave the session as they found it:
the next request or test writes in a transaction again. That is PostgreSQL's pass; on SQLite
the driver already runs reads on their own, and the pages are left as they are."""

import pytest
import sqlalchemy as sa
from flask import Blueprint

from pairs_group.audit import service as audit
from pairs_group.audit.models import AuditEvent
from pairs_group.db import OneWriteOnly, db, statement_by_statement
from tests.attendance_factories import make_group_meeting_today
from tests.concurrency import require_postgres
from tests.conftest import count_rows
from tests.pages import url


@pytest.fixture
def isolation_seen(app):
    """The isolation level each statement ran at, from now on."""
    seen = []

    def note(conn, _cursor, statement, _parameters, _context, _executemany):
        seen.append((conn.get_execution_options().get("isolation_level"), statement.split()[0]))

    sa.event.listen(db.engine, "before_cursor_execute", note)
    yield seen
    sa.event.remove(db.engine, "before_cursor_execute", note)


def test_the_register_reads_and_audits_statement_by_statement(
        app, client, sign_in, isolation_seen):
    require_postgres(app, "statement by statement")
    me = sign_in("facilitator")
    _group, session, _families = make_group_meeting_today(facilitators=[me])
    register = url(client, "attendance.show_register", session_id=session.id)
    before = count_rows(AuditEvent)
    db.session.commit()  # as at the start of any request: no transaction open
    isolation_seen.clear()
    assert client.get(register).status_code == 200
    assert isolation_seen and {level for level, _verb in isolation_seen} == {"AUTOCOMMIT"}
    assert [verb for _level, verb in isolation_seen].count("INSERT") == 1  # its read-audit
    assert count_rows(AuditEvent) == before + 1


def test_after_such_a_page_the_session_writes_in_a_transaction_again(client, sign_in):
    me = sign_in("facilitator")
    _group, session, _families = make_group_meeting_today(facilitators=[me])
    register = url(client, "attendance.show_register", session_id=session.id)
    db.session.commit()
    assert client.get(register).status_code == 200
    assert not db.session().in_transaction()
    before = count_rows(AuditEvent)
    audit.record("test.first")
    audit.record("test.second")
    db.session.flush()
    db.session.rollback()
    assert count_rows(AuditEvent) == before  # neither was committed on its own


def test_a_second_write_is_refused_before_it_is_sent(make_app):
    app = require_postgres(make_app(), "statement by statement")
    pages = Blueprint("two_writes", __name__)

    @pages.get("/two-writes")
    def two_writes():
        audit.insert("test.first")
        audit.insert("test.second")
        return "written"

    app.register_blueprint(pages)
    statement_by_statement(app, "two_writes.two_writes")
    with app.app_context(), pytest.raises(OneWriteOnly):
        app.test_client().get("/two-writes")
    with app.app_context():
        assert db.session.scalars(sa.select(AuditEvent.action)).all() == ["test.first"]


def test_on_sqlite_the_registers_reads_run_on_their_own_and_its_audit_in_a_transaction(
        app, client, sign_in):
    """What the driver sends for a register, seen by SQLite itself: no BEGIN before a read, no
    PRAGMA, and the read-audit written between BEGIN and COMMIT."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the SQLite pass checks how Python's driver runs a page's reads")
    me = sign_in("facilitator")
    _group, session, _families = make_group_meeting_today(facilitators=[me])
    register = url(client, "attendance.show_register", session_id=session.id)
    db.session.commit()
    sent, traced = [], []

    def trace(dbapi_connection, _record, _proxy):
        traced.append(dbapi_connection)
        dbapi_connection.set_trace_callback(lambda statement: sent.append(statement.split()[0]))

    sa.event.listen(db.engine.pool, "checkout", trace)
    try:
        assert client.get(register).status_code == 200
    finally:
        sa.event.remove(db.engine.pool, "checkout", trace)
        for dbapi_connection in traced:
            dbapi_connection.set_trace_callback(None)
    assert "PRAGMA" not in sent
    assert sent[sent.index("INSERT") - 1:sent.index("INSERT") + 2] == ["BEGIN", "INSERT", "COMMIT"]
    assert "BEGIN" not in sent[:sent.index("INSERT") - 1] and sent.count("SELECT") >= 2
