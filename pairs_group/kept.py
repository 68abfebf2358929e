"""Rows that read the same for everyone (no one's details), kept a minute in each process.

Why: a few small tables are read by the busiest pages on every request and change a few times a
year or a month: the groups the landing lists, each group's questionnaire plan, each group's
sessions still on (the register). On PostgreSQL each read is a round trip or four. A process
reads them at most once every KEEP_SECONDS; what it writes to the tables they come from,
through the ORM session (a flush or a bulk statement), clears them at once and again at its
commit (`forget_when_written`), and another process's change shows within the minute. Pages
where staff change these rows read them fresh."""

import threading
import time

import sqlalchemy as sa
from flask import current_app, has_app_context

KEEP_SECONDS = 60
# app.extensions name -> the models whose writes clear what is kept there
WATCHED = {}
FORGET = "kept.forget"  # session.info: what to clear again when this transaction commits


class Kept:
    """Rows by key as this process last read them, and when (time.monotonic)."""

    def __init__(self):
        self._rows, self._lock = {}, threading.Lock()

    def many(self, keys, read):
        """{key: rows} for these keys: kept ones younger than KEEP_SECONDS, the others from
        one call of read(the missing keys) -> {key: rows}."""
        now = time.monotonic()
        with self._lock:
            found = {key: self._rows[key][1] for key in keys
                     if key in self._rows and now - self._rows[key][0] < KEEP_SECONDS}
        missing = [key for key in keys if key not in found]
        if missing:
            fresh = read(missing)
            with self._lock:
                self._rows.update((key, (now, fresh[key])) for key in missing)
            found.update((key, fresh[key]) for key in missing)
        return found

    def one(self, read):
        """The rows of read(), for a page that keeps just one list."""
        return self.many([None], lambda _keys: {None: read()})[None]

    def clear(self):
        with self._lock:
            self._rows.clear()


def kept(extension):
    return current_app.extensions[extension]


def forget_when_written(app, extension, *models):
    """Keep rows for this app in app.extensions[extension], cleared after any flush here that
    adds, changes or deletes one of `models`. The listeners are added once, on every ORM
    session of the process."""
    app.extensions[extension] = Kept()
    WATCHED[extension] = models
    for name, listener in LISTENERS:
        if not sa.event.contains(sa.orm.Session, name, listener):
            sa.event.listen(sa.orm.Session, name, listener)


def forget(extension, session):
    """Clear what is kept in app.extensions[extension] now and when `session` commits: cleared
    again at commit, a page this process served meanwhile cannot keep the rows as they were
    before it."""
    if has_app_context() and extension in current_app.extensions:
        current_app.extensions[extension].clear()
        session.info.setdefault(FORGET, set()).add(extension)


def _forget_written(session, _flush_context):
    if not has_app_context():
        return
    written = (*session.new, *session.dirty, *session.deleted)
    for extension, models in WATCHED.items():
        if any(isinstance(obj, models) for obj in written):
            forget(extension, session)


def _forget_bulk_written(state):
    """session.execute(insert/update/delete(Model)) writes without a flush (emptying a group's
    plan back to the default is a DELETE alone)."""
    mapper = state.bind_mapper
    if not (state.is_insert or state.is_update or state.is_delete) or mapper is None \
            or not has_app_context():
        return
    for extension, models in WATCHED.items():
        if issubclass(mapper.class_, models):
            forget(extension, state.session)


def _forget_again(session):
    for extension in session.info.pop(FORGET, ()):
        if has_app_context() and extension in current_app.extensions:
            current_app.extensions[extension].clear()


LISTENERS = [("after_flush", _forget_written), ("do_orm_execute", _forget_bulk_written),
             ("after_commit", _forget_again)]
