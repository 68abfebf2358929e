"""Admins' changes to a venue or a group: what a change would do, said in words before it is
saved, then saved only if nobody else saved the row meanwhile (audited). Services flush; the
views commit."""

from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from blinker import Namespace
from flask_babel import gettext as _
from flask_babel import ngettext

from pairs_group.audit.service import record
from pairs_group.db import db, utcnow
from pairs_group.groups import service
from pairs_group.groups.models import Group, GroupSession, Venue
from pairs_group.templating import london_datetime
from pairs_group.times import in_london, london_moment

signals = Namespace()
# Sent with (group, change) before an edit is saved; a receiver returns a list of sentences
# saying what the change would do to its own rows (places, parents' eligibility).
group_edit_asked = signals.signal("group-edit-asked")
# Sent with (group, before) inside the transaction that saved an edit (before: GroupChange).
group_edited = signals.signal("group-edited")

VENUE_FIELDS = ("name", "address", "postcode", "access_notes")


class EditClash(Exception):
    """Someone else saved this group or venue after the admin opened it."""


class ScheduleRefused(ValueError):
    """The new dates would move a session that has already started, or into the past."""


@dataclass
class GroupChange:
    """What the group's form sets, as values (a Group's, or the ones an admin typed)."""

    name: str
    venue: Venue
    first_day: date
    start_time: time
    session_count: int
    duration_minutes: int
    capacity: int
    languages: list
    facilitators: list
    postcode_areas: str = ""
    min_baby_age_weeks: int | None = None
    max_baby_age_weeks: int | None = None
    accepts_pregnant: bool = True

    @classmethod
    def of(cls, group):
        start = in_london(group.first_session_at)
        return cls(name=group.name, venue=group.venue, first_day=start.date(),
                   start_time=start.time().replace(tzinfo=None),
                   session_count=group.session_count,
                   duration_minutes=group.duration_minutes, capacity=group.capacity,
                   languages=group.language_codes, facilitators=list(group.facilitators),
                   postcode_areas=group.postcode_areas or "",
                   min_baby_age_weeks=group.min_baby_age_weeks,
                   max_baby_age_weeks=group.max_baby_age_weeks,
                   accepts_pregnant=group.accepts_pregnant)

    def differences(self, other):
        """{field name: (this value, other's)} for each field that differs."""
        found = {}
        for item in fields(self):
            mine, theirs = getattr(self, item.name), getattr(other, item.name)
            if item.name == "facilitators":
                mine, theirs = sorted(u.id for u in mine), sorted(u.id for u in theirs)
            if mine != theirs:
                found[item.name] = (mine, theirs)
        return found


@dataclass
class SessionPlan:
    """What new dates, a new count, length or venue do to the group's sessions."""

    moves: list = field(default_factory=list)  # (session, new starts_at): parents told
    quiet: list = field(default_factory=list)  # (session, new starts_at): already cancelled
    cancels: list = field(default_factory=list)  # sessions past the new count: parents told
    adds: list = field(default_factory=list)  # starts_at of new sessions


def plan_sessions(group, change, now=None):
    """The session changes an edit makes (ScheduleRefused when one cannot be made)."""
    now, plan = now or utcnow(), SessionPlan()
    wanted = wanted_starts(group, change)
    venue_changed = change.venue.id != group.venue_id
    for session in group.sessions:
        new = wanted.pop(session.number, None)
        if new is None:
            refuse_if_started(session, now)
            if not session.is_cancelled:
                plan.cancels.append(session)
        elif new != session.starts_at:
            refuse_if_started(session, now)
            refuse_if_past(session.number, new, now)
            (plan.quiet if session.is_cancelled else plan.moves).append((session, new))
        elif venue_changed and session.starts_at > now and not session.is_cancelled \
                and session.venue_override is None:
            plan.moves.append((session, new))
    for number, new in sorted(wanted.items()):
        refuse_if_past(number, new, now)
        plan.adds.append(new)
    return plan


def wanted_starts(group, change):
    """{session number: start} the edit asks for: weekly from a new first day or time (bank
    holidays skipped, as when created), else the sessions as they are, plus any added."""
    before = GroupChange.of(group)
    if (change.first_day, change.start_time) != (before.first_day, before.start_time):
        days = service.weekly_dates(change.first_day, change.session_count)
        return {n: london_moment(day, change.start_time) for n, day in enumerate(days, 1)}
    wanted = {s.number: s.starts_at for s in group.sessions if s.number <= change.session_count}
    last = max(wanted.values(), default=group.first_session_at)
    extra = change.session_count - len(wanted)
    if extra > 0:
        days = service.weekly_dates(in_london(last).date() + timedelta(weeks=1), extra)
        wanted.update({len(wanted) + n: london_moment(day, before.start_time)
                       for n, day in enumerate(days, 1)})
    return wanted


def refuse_if_started(session, now):
    if session.starts_at <= now:
        raise ScheduleRefused(_(
            "Session %(number)d has already started, so it cannot be moved or taken away. "
            "Keep its date and the number of sessions, or move single sessions from the "
            "group's page.", number=session.number))


def refuse_if_past(number, starts_at, now):
    if starts_at <= now:
        raise ScheduleRefused(_(
            "Session %(number)d would be on %(when)s, which has already started. Choose a "
            "first day still to come.", number=number, when=london_datetime(starts_at, "medium")))


def effects(group, change, plan, now=None):
    """Sentences saying what saving the change would do, for the admin to read first."""
    now = now or utcnow()
    said = session_effects(group, plan) + facilitator_effects(group, change, now)
    for _receiver, answer in group_edit_asked.send(group, change=change):
        said.extend(answer or [])
    return said


def session_effects(group, plan):
    said = []
    if plan.moves:
        said.append(ngettext(
            "%(num)d session moves to a new date, time or venue. Each parent in the group gets "
            "a text about it, as when you move a session.",
            "%(num)d sessions move to a new date, time or venue. Each parent in the group gets "
            "a text about each of them, as when you move a session.", len(plan.moves)))
    if plan.quiet:
        said.append(ngettext(
            "%(num)d cancelled session takes its new date and stays cancelled; nobody is texted.",
            "%(num)d cancelled sessions take their new dates and stay cancelled; nobody is "
            "texted.", len(plan.quiet)))
    if plan.cancels:
        said.append(ngettext(
            "%(num)d session is cancelled. Parents are told, as when you cancel a session.",
            "%(num)d sessions are cancelled. Parents are told, as when you cancel a session.",
            len(plan.cancels)))
    if plan.adds:
        said.append(ngettext("%(num)d session is added at the end.",
                             "%(num)d sessions are added at the end.", len(plan.adds)))
    return said


def facilitator_effects(group, change, now):
    """Who stops seeing the registers still to take, and whether anyone is left to take them."""
    ahead = sum(1 for s in group.sessions if s.starts_at > now and not s.is_cancelled)
    kept = {u.id for u in change.facilitators}
    said = [ngettext(
        "%(name)s is taken off this group and no longer sees its registers: %(num)d session "
        "is still to come.",
        "%(name)s is taken off this group and no longer sees its registers: %(num)d sessions "
        "are still to come.", ahead, name=user.name or user.email)
        for user in group.facilitators if user.id not in kept and ahead]
    if ahead and group.facilitators and not kept:
        said.append(_("Nobody is named to run this group: only admins will see its registers."))
    return said


def check_version(row, seen_version):
    """EditClash when the row is no longer at the version the admin saw."""
    if seen_version != row.version:
        raise EditClash(row.id)


def claim_version(row, seen_version):
    """Raise the row's version if it is still the one the admin saw, in one UPDATE (which also
    holds the row until commit); EditClash if someone else saved first."""
    model = type(row)
    claimed = db.session.execute(
        sa.update(model).where(model.id == row.id, model.version == seen_version)
        .values(version=seen_version + 1).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise EditClash(row.id)
    db.session.refresh(row)


def edit_group(group, change, seen_version, now=None):
    """Save the admin's change, with its session moves, adds and cancellations (parents told
    through the session-move path); EditClash or ScheduleRefused change nothing."""
    claim_version(group, seen_version)
    before = GroupChange.of(group)
    plan = plan_sessions(group, change, now)
    keep_past_venue(group, change, now or utcnow())
    apply_fields(group, change)
    apply_sessions(group, change, plan)
    db.session.flush()
    record("group.edit", group, changes={
        name: [audit_value(old), audit_value(new)]
        for name, (old, new) in before.differences(change).items()},
        sessions_moved=len(plan.moves), sessions_cancelled=len(plan.cancels),
        sessions_added=len(plan.adds))
    group_edited.send(group, before=before)
    return plan


def keep_past_venue(group, change, now):
    """Sessions that have started stay where they were held when the group's venue changes."""
    if change.venue.id == group.venue_id:
        return
    for session in group.sessions:
        if session.starts_at <= now and session.venue_override is None:
            session.venue_override = group.venue


def apply_fields(group, change):
    for name in ("name", "venue", "session_count", "duration_minutes", "capacity",
                 "postcode_areas", "min_baby_age_weeks", "max_baby_age_weeks",
                 "accepts_pregnant"):
        setattr(group, name, getattr(change, name))
    group.languages = ",".join(change.languages)
    group.facilitators = list(change.facilitators)


def apply_sessions(group, change, plan):
    now = utcnow()
    for session in group.sessions:
        if session.starts_at > now:
            session.duration_minutes = change.duration_minutes
    for session, starts_at in plan.quiet:
        session.starts_at = starts_at
    for session, starts_at in plan.moves:
        local = in_london(starts_at)
        service.move_session(session, local.date(), local.time().replace(tzinfo=None),
                             session.venue_override)
    for session in plan.cancels:
        service.cancel_session(session)
    numbers = max((s.number for s in group.sessions), default=0)
    for number, starts_at in enumerate(plan.adds, start=numbers + 1):
        group.sessions.append(GroupSession(number=number, starts_at=starts_at,
                                           duration_minutes=change.duration_minutes))
    db.session.flush()
    group.first_session_at = min(s.starts_at for s in group.sessions)


def audit_value(value):
    """A change's value as the audit log's JSON can hold it."""
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, Venue):
        return value.id
    return value


def edit_venue(venue, values, seen_version):
    """Save the admin's change to a venue (audited); EditClash if someone else saved first."""
    claim_version(venue, seen_version)
    changes = {name: [getattr(venue, name), values[name]] for name in VENUE_FIELDS
               if getattr(venue, name) != values[name]}
    for name in VENUE_FIELDS:
        setattr(venue, name, values[name])
    db.session.flush()
    record("venue.edit", venue, changes=changes)
    return changes


def groups_at(venue):
    """Groups that meet at the venue, newest first."""
    return db.session.scalars(sa.select(Group).where(Group.venue_id == venue.id)
                              .order_by(Group.first_session_at.desc())).all()
