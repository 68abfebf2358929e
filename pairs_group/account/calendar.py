"""Her sessions as iCalendar: a download per enrolment and a feed her calendar app can follow."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event

from pairs_group.account.models import CalendarFeed, new_feed_token
from pairs_group.db import db
from pairs_group.groups.models import SessionStatus
from pairs_group.parents.models import Parent
from pairs_group.times import LONDON, in_london

EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def feed_of(parent):
    """Her feed, if she has asked for one (reading only: the calendar page is a GET)."""
    return db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.parent_id == parent.id))


def feed_for(parent):
    """Her feed's secret, made the first time she asks (the page's "Get my calendar address")."""
    feed = feed_of(parent)
    if feed is None:
        feed = CalendarFeed(parent_id=parent.id)
        db.session.add(feed)
        db.session.flush()
    return feed


def renew_feed(parent):
    """Her first address, or a new secret: the old feed address stops working (a lost or
    shared phone). True when an old address was replaced."""
    old = feed_of(parent)
    if old is None:
        feed_for(parent)
        return False
    old.token = new_feed_token()
    return True


def parent_for_feed(token):
    if not isinstance(token, str) or not 16 <= len(token) <= 64:
        return None
    feed = db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.token == token))
    return db.session.get(Parent, feed.parent_id) if feed else None


def _sequence(session):
    """Grows every time the session changes, so calendars take the newer version."""
    return max(0, int((session.updated_at - EPOCH).total_seconds() // 60))


def session_event(session):
    venue, group = session.venue, session.group
    event = Event()
    host = current_app.config["SERVER_NAME"] or "pairs-group"
    event.add("uid", f"session-{session.id}@{host}")
    event.add("summary", _("%(service)s: %(group)s", service=_("Together Time"), group=group.name))
    event.add("dtstart", in_london(session.starts_at))
    event.add("dtend", in_london(session.ends_at))
    event.add("dtstamp", session.updated_at.astimezone(UTC))
    event.add("sequence", _sequence(session))
    event.add("location", ", ".join(p for p in (venue.name, venue.address, venue.postcode) if p))
    event.add("description", _("Session %(number)d. %(notes)s", number=session.number,
                               notes=session.note or venue.access_notes or ""))
    cancelled = session.status == SessionStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def calendar_of(enrolments, name):
    calendar = Calendar()
    calendar.add("prodid", "-//PAIRS//Together Time//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(LONDON))
    for enrolment in enrolments:
        for session in enrolment.group.sessions:
            calendar.add_component(session_event(session))
    calendar.add_missing_timezones()
    return calendar.to_ical()
