"""What the public pages read from the database: the groups the landing page lists."""

from functools import cache

import sqlalchemy as sa

from pairs_group.db import db, utcnow
from pairs_group.groups.models import Group, GroupStatus, Venue

LANDING_GROUPS = 6


@cache
def _upcoming_groups_statement():
    """Built once, its moment a parameter: building the select cost more than running it."""
    return (sa.select(Venue.name.label("venue_name"), Group.first_session_at)
            .join(Group.venue)
            .where(Group.status == GroupStatus.OPEN, Group.first_session_at > sa.bindparam("now"))
            .order_by(Group.first_session_at, Group.id)
            .limit(LANDING_GROUPS))


def upcoming_groups(now=None):
    """The first few groups taking parents (open and not started, parents.places.open_groups'
    rule), as the landing lists them: a venue's name and a first meeting, in one statement
    and without loading whole groups and venues the page does not show."""
    return db.session.execute(_upcoming_groups_statement(), {"now": now or utcnow()}).all()
