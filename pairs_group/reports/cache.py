"""Report figures kept a few minutes in each app process, and the number that says they are stale.

Why: a report page sums every register, score and about-you answer in its filter: some 200 ms
at 5,000 parents, every time a lead opens it, changes page or language. The figures change only
when someone writes, so each process keeps the figures of the last MAX_ENTRIES pages it showed
(the data, never the HTML: every page carries its own CSRF token and CSP nonce).

Knowing they are stale, across every gunicorn worker and server sharing the database (SQLite or
PostgreSQL, no Redis needed): one row, report_data_generation, holds a number. A transaction
that writes anything the reports read (a flush, or an ORM-enabled insert, update or delete
through the session: any table but UNREAD_TABLES) adds one to it once, just before it commits,
in that same transaction; the bump is committed exactly when the change is, and holds the row's
lock only for the commit (a savepoint released with changes bumps it too: early, but never
wrong). A page reads the number (one primary-key SELECT) before working anything out, and uses
figures cached under that number. SQL written as text, or run on a bare connection around the
session, is not seen: write through the ORM session.

"Registers not taken" and which sessions have taken place depend on the clock, so cached figures
also end with each WINDOW_SECONDS window. `flask report`, the CSV downloads and the exports never
use this: always worked out afresh.
"""

import threading
import time
from collections import OrderedDict
from itertools import chain

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale

from pairs_group.db import db, utcnow
from pairs_group.reports.models import THE_ROW, ReportDataGeneration
from pairs_group.reports.service import collector_paused

MAX_ENTRIES = 32
WINDOW_SECONDS = 300
# Written often, read by no report: changing them leaves every figure as it was.
UNREAD_TABLES = frozenset({
    "audit_event", "outbox_message", "inbound_message", "sms_opt_out_event", "sign_in_code",
    "used_link", "calendar_feed", "pending_sign_up", "staff_user", "reminder_offset",
    ReportDataGeneration.__tablename__,
})
CHANGED = "reports.data_changed"  # Session.info key: this transaction wrote report data
EXTENSION = "reports.cache"
# The filter's choices (groups and venues), kept apart from the figures: for everyone who sees
# every group, and for each facilitator (her own groups).
CHOICES = "reports.filter_choices"


class FiguresCache:
    """The last few pages' figures in this process, least recently used out first."""

    def __init__(self, size=MAX_ENTRIES):
        self.size = size
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key, value):
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self):
        with self._lock:
            self._entries.clear()

    def __len__(self):
        return len(self._entries)


GENERATION = sa.select(ReportDataGeneration.number).where(ReportDataGeneration.id == THE_ROW)


def current_generation():
    """The number, read on the session's connection (one column of one row: the ORM's execute
    steps would cost more than the query, on every report page)."""
    return db.session.connection().scalar(GENERATION) or 0


def section_figures(section, report_filter, pages, build, generation=None):
    """(data, when it was worked out) for one report page: `build(report_filter, pages)`, or
    what this process kept from showing the same page since the data last changed
    (`generation`: current_generation(), if the page has read it already)."""
    generation = current_generation() if generation is None else generation
    key = (section, report_filter, tuple(sorted(pages.items())), str(get_locale()),
           int(time.time() // WINDOW_SECONDS))

    def work_out():
        with collector_paused():
            return build(report_filter, pages), utcnow()

    return kept_or_read(EXTENSION, key, generation, work_out)


def kept_or_read(extension, key, generation, read):
    """read(), or what it gave in this process since the data last changed: kept under `key`
    and the generation in the least-recently-used cache app.extensions[extension]."""
    cache, key = current_app.extensions[extension], (*key, generation)
    found = cache.get(key)
    if found is None:
        found = read()
        cache.put(key, found)
    return found


def _tables_of(instance):
    return {table.name for table in sa.inspect(instance).mapper.tables}


def _note_flushed_changes(session, _flush_context):
    """After each flush: did it write a table the reports read?"""
    if session.info.get(CHANGED):
        return
    written = chain(session.new, session.deleted,
                    (obj for obj in session.dirty if session.is_modified(obj)))
    if any(_tables_of(obj) - UNREAD_TABLES for obj in written):
        session.info[CHANGED] = True


def _note_bulk_changes(state):
    """session.execute(insert/update/delete(...)) writes without a flush."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) not in UNREAD_TABLES:
            state.session.info[CHANGED] = True


def _bump_before_commit(session):
    """Once per transaction, last thing before it commits, so the row is locked briefly."""
    session.flush()  # what is still pending is written (and noted) before deciding
    if not session.info.pop(CHANGED, False):
        return
    bumped = session.execute(
        sa.update(ReportDataGeneration).where(ReportDataGeneration.id == THE_ROW)
        .values(number=ReportDataGeneration.number + 1)
        .execution_options(synchronize_session=False))
    if bumped.rowcount == 0:  # the row was deleted (tests empty every table): put it back
        session.add(ReportDataGeneration(id=THE_ROW, number=1))
        session.flush()


def _forget_after_transaction(session, transaction):
    if transaction.parent is None:  # the outermost one: committed (bumped) or rolled back
        session.info.pop(CHANGED, None)


LISTENERS = [("after_flush", _note_flushed_changes), ("do_orm_execute", _note_bulk_changes),
             ("before_commit", _bump_before_commit),
             ("after_transaction_end", _forget_after_transaction)]


def init_app(app):
    """A cache for this app; the listeners once, on every ORM session of the process."""
    app.extensions[EXTENSION] = FiguresCache()
    app.extensions[CHOICES] = FiguresCache()
    for name, listener in LISTENERS:
        if not sa.event.contains(sa.orm.Session, name, listener):
            sa.event.listen(sa.orm.Session, name, listener)
