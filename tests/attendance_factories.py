"""Test data for registers: a group with a session today and dyads enrolled in it."""

from datetime import time, timedelta

from pairs_group.db import db, utcnow
from pairs_group.times import london_moment, london_today
from tests import factories


def make_group_meeting_today(facilitators=(), dyads=3, **details):
    """A group whose third weekly session is today (London) and has started, with `dyads`
    parents enrolled."""
    today = london_today(utcnow())
    group = factories.make_group(first_day=today - timedelta(weeks=2), facilitators=facilitators,
                                 session_count=6, **details)
    for session, weeks_ago in zip(group.sessions[:3], (2, 1, 0), strict=True):
        session.starts_at = london_moment(today - timedelta(weeks=weeks_ago), time(10, 0))
    # Today's has started (attended is refused before): at 10:00, or earlier run before then.
    group.sessions[2].starts_at = min(group.sessions[2].starts_at,
                                      utcnow().replace(second=0, microsecond=0))
    enrolments = [factories.enrol(factories.make_dyad(name=f"Parent {chr(65 + n)}"), group)
                  for n in range(dyads)]
    for enrolment in enrolments:
        enrolment.enrolled_at = utcnow() - timedelta(weeks=3)
    db.session.flush()
    return group, group.sessions[2], enrolments
