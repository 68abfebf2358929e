"""What the public pages read from the database: the groups the landing page lists, kept a
minute in each process (pairs_group.kept).

Why kept: the list is the same for everyone (no one's details are on it) and changes only when
a group opens, closes or moves, yet reading it was most of the landing's cost on PostgreSQL
(a connection lent, BEGIN, the SELECT and ROLLBACK: four round trips for six lines)."""

from functools import cache

import sqlalchemy as sa

from pairs_group.db import db, utcnow
from pairs_group.groups.models import Group, GroupStatus, Venue
from pairs_group.kept import forget_when_written, kept

LANDING_GROUPS = 6
EXTENSION = "pages.upcoming_groups"


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
    """The landing's list, as this process read it less than a minute ago."""
    return kept(EXTENSION).one(read_upcoming_groups)


def init_app(app):
    """Groups and venues written here are on the next landing, not a minute on."""
    forget_when_written(app, EXTENSION, Group, Venue)
