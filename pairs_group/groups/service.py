"""Group operations: create a group with its weekly sessions, change one session."""

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import sqlalchemy as sa
from blinker import Namespace
from govuk_bank_holidays.bank_holidays import BankHolidays
from sqlalchemy.orm import joinedload

from pairs_group.audit.service import record
from pairs_group.auth.models import Role
from pairs_group.db import db, utcnow
from pairs_group.groups.models import (
    Group,
    GroupSession,
    SessionStatus,
    Venue,
    group_facilitator,
)
from pairs_group.times import in_london, london_moment

signals = Namespace()
# Sent with (session, change) where change is "cancelled" or "moved"; the SMS feature listens.
session_changed = signals.signal("session-changed")
# Sent with (session, change, starts_at, venue, note) before a change is saved; a receiver
# returns how many characters of the note would fit in the texts it sends (None: all of it).
note_room_asked = signals.signal("session-change-note-room")

MAX_WEEKS_SEARCHED = 104


@lru_cache(maxsize=1)
def bank_holiday_dates():
    """England and Wales bank holidays from the data the package ships (never the network)."""
    holidays = BankHolidays(use_cached_holidays=True)
    return frozenset(
        h["date"] for h in holidays.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    )


def falls_on_bank_holiday(session):
    """A session still on whose London date is a bank holiday: the venue may be shut, and
    parents away, though reminders go as for any other day."""
    return not session.is_cancelled and in_london(session.starts_at).date() in bank_holiday_dates()


def bank_holiday_sessions(sessions, now):
    """Those of the sessions still to come that fall on a bank holiday (staff should check
    them before the reminders go)."""
    return [s for s in sessions if s.starts_at > now and falls_on_bank_holiday(s)]


def bank_holidays_ahead(staff, now, within):
    """Sessions of this member of staff's groups, from now to `within` ahead, that fall on a
    bank holiday."""
    return bank_holiday_sessions(db.session.scalars(
        sa.select(GroupSession).where(GroupSession.group_id.in_(visible_group_ids(staff)),
                                      GroupSession.starts_at > now,
                                      GroupSession.starts_at <= now + within)
        .options(joinedload(GroupSession.group)).order_by(GroupSession.starts_at)), now)


def weekly_dates(first: date, count: int, skip=None):
    """`count` weekly dates from `first`, moving past any date in `skip` to the next week."""
    skip = bank_holiday_dates() if skip is None else skip
    dates, day = [], first
    for _ in range(MAX_WEEKS_SEARCHED):
        if len(dates) == count:
            break
        if day not in skip:
            dates.append(day)
        day += timedelta(weeks=1)
    return dates


def create_group(*, name, venue, first_day: date, start_time: time, session_count=8,
                 duration_minutes=90, capacity=10, languages=("en",), facilitators=(), **extra):
    """A new group and its sessions, each at the same London wall-clock time (audited)."""
    group = Group(
        name=name, venue=venue, capacity=capacity, session_count=session_count,
        duration_minutes=duration_minutes, languages=",".join(languages),
        first_session_at=london_moment(first_day, start_time), facilitators=list(facilitators),
        **extra,
    )
    for number, day in enumerate(weekly_dates(first_day, session_count), start=1):
        group.sessions.append(GroupSession(
            number=number, starts_at=london_moment(day, start_time),
            duration_minutes=duration_minutes,
        ))
    if group.sessions:
        group.first_session_at = group.sessions[0].starts_at
    db.session.add(group)
    db.session.flush()
    record("group.create", group, sessions=len(group.sessions))
    return group


def cancel_session(session: GroupSession, note=""):
    """Call a session off (audited); parents are told through session_changed."""
    session.status = SessionStatus.CANCELLED
    session.note = note
    session.change_number = (session.change_number or 0) + 1
    db.session.flush()
    record("session.cancel", session, note=session.note)
    session_changed.send(session, change="cancelled")


def move_session(session: GroupSession, day: date, at: time, venue: Venue | None = None,
                 note=""):
    """A new date, time or place for one session (audited); parents are told through
    session_changed."""
    if london_moment(day, at) <= utcnow():
        raise ValueError("a session cannot be moved to a time that has already started")
    before = session.starts_at.isoformat()
    session.starts_at = london_moment(day, at)
    session.status = SessionStatus.MOVED
    session.venue_override = venue
    session.note = note
    session.change_number = (session.change_number or 0) + 1
    db.session.flush()
    record("session.move", session, before=before, after=session.starts_at.isoformat(),
           venue_id=venue.id if venue else None)
    session_changed.send(session, change="moved")


def room_for_note(session, change, note, starts_at=None, venue=None):
    """None when staff's note to parents fits in every text about this change, else how many
    of its characters would (the tightest answer of any listener)."""
    answers = [room for _receiver, room in note_room_asked.send(
        session, change=change, note=note, starts_at=starts_at or session.starts_at,
        venue=venue or session.venue) if room is not None]
    return min(answers, default=None)


def restore_session(session: GroupSession):
    session.status = SessionStatus.SCHEDULED
    db.session.flush()


def session_local_start(session: GroupSession) -> datetime:
    return in_london(session.starts_at)


def list_groups(statuses=None):
    query = sa.select(Group).order_by(Group.first_session_at.desc())
    if statuses:
        query = query.where(Group.status.in_(statuses))
    return db.session.scalars(query).all()


def sees_every_group(staff):
    """Admins (and evaluators, who reach only the reports) see every group's data."""
    return staff.role != Role.FACILITATOR


def visible_groups(staff):
    """The groups this member of staff may see, as a select of Group to filter, order or join
    on (Group.is_run_by is the same rule for one group): a facilitator's own, or every group."""
    query = sa.select(Group)
    if sees_every_group(staff):
        return query
    return query.where(Group.id.in_(sa.select(group_facilitator.c.group_id).where(
        group_facilitator.c.staff_user_id == staff.id)))


def visible_group_ids(staff):
    return visible_groups(staff).with_only_columns(Group.id)


def list_venues():
    return db.session.scalars(sa.select(Venue).order_by(Venue.name)).all()
