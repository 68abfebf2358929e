"""What the public pages read from the database: the groups the landing page lists, kept a
minute in each process.

Why kept: the list is the same for everyone (no one's details are on it) and changes only when
a group opens, closes or moves, yet reading it was most of the landing's cost on PostgreSQL
(a connection lent, BEGIN, the SELECT and ROLLBACK: four round trips for six lines). So each
process reads it at most once every KEEP_SECONDS; what this process writes to groups and
venues through the ORM session clears it at once, and another process's change shows within
the minute."""

import threading
import time
from functools import cache

import sqlalchemy as sa
from flask import current_app, has_app_context

from pairs_group.db import db, utcnow
from pairs_group.groups.models import Group, GroupStatus, Venue

LANDING_GROUPS = 6
KEEP_SECONDS = 60
EXTENSION = "pages.upcoming_groups"


class KeptList:
    """The rows as this process last read them, and when (time.monotonic)."""

    def __init__(self):
        self.read_at, self.rows = None, None
        self._lock = threading.Lock()

    def get(self, read, now):
        with self._lock:
            if self.read_at is not None and now - self.read_at < KEEP_SECONDS:
                return self.rows
        rows = read()
        with self._lock:
            self.read_at, self.rows = now, rows
        return rows

    def clear(self):
        with self._lock:
            self.read_at, self.rows = None, None


@cache
def _upcoming_groups_statement():
    """Built once, its moment a parameter: building the select cost more than running it."""
    return (sa.select(Venue.name.label("venue_name"), Group.first_session_at)
            .join(Group.venue)
            .where(Group.status == GroupStatus.OPEN, Group.first_session_at > sa.bindparam("now"))
            .order_by(Group.first_session_at, Group.id)
            .limit(LANDING_GROUPS))


def read_upcoming_groups(now=None):
    """The first few groups taking parents (open and not started, parents.places.open_groups'
    rule), as the landing lists them: a venue's name and a first meeting, in one statement
    and without loading whole groups and venues the page does not show."""
    return db.session.execute(_upcoming_groups_statement(), {"now": now or utcnow()}).all()


def upcoming_groups():
    """The landing's list, as this process read it less than KEEP_SECONDS ago."""
    return current_app.extensions[EXTENSION].get(read_upcoming_groups, time.monotonic())


def _forget_on_group_changes(session, _flush_context):
    """After each flush: a group or venue written here is on the next landing, not a minute on."""
    if not has_app_context() or EXTENSION not in current_app.extensions:
        return
    written = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, (Group, Venue)) for obj in written):
        current_app.extensions[EXTENSION].clear()


def init_app(app):
    """A kept list for this app; the listener once, on every ORM session of the process."""
    app.extensions[EXTENSION] = KeptList()
    if not sa.event.contains(sa.orm.Session, "after_flush", _forget_on_group_changes):
        sa.event.listen(sa.orm.Session, "after_flush", _forget_on_group_changes)
