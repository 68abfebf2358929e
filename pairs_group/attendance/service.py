"""Taking a register: who is expected, marking them, corrections and service cancellations."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import ClassVar

import sqlalchemy as sa
from flask_babel import ngettext
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.audit.models import AuditEvent
from pairs_group.audit.service import record
from pairs_group.auth.models import StaffUser
from pairs_group.db import db, utcnow
from pairs_group.groups.models import (
    Group,
    GroupSession,
    SessionStatus,
    Venue,
    names_facilitator,
)
from pairs_group.groups.service import visible_group_ids
from pairs_group.kept import kept
from pairs_group.parents.models import Baby, Dyad, Enrolment, EnrolmentStatus, Parent
from pairs_group.times import london_day_bounds, london_today

MAX_REASON_LENGTH = 500
# The marks a facilitator gives with one tap; the service's own cancellation comes from a cancel.
REGISTER_CHOICES = (AttendanceStatus.ATTENDED, AttendanceStatus.CANCELLED_BY_PARENT,
                    AttendanceStatus.DID_NOT_ATTEND)
# What can be known before a session starts; whether she came is known only once it has.
KNOWN_AHEAD = (AttendanceStatus.CANCELLED_BY_PARENT, AttendanceStatus.CANCELLED_BY_SERVICE)


class StaleAttendance(Exception):
    """Someone else changed this mark after it was shown: nothing was saved for it."""

    def __init__(self, enrolment, current):
        super().__init__(f"attendance for enrolment {enrolment.id} changed")
        self.enrolment, self.current = enrolment, current


class NotStartedYet(ValueError):
    """Attended or did not attend, for a session that has not started: refused, the reports
    would otherwise count a session that has not taken place."""


def has_started(session: GroupSession, now: datetime | None = None):
    return session.starts_at <= (now or utcnow())


def may_mark(session: GroupSession, status, now: datetime | None = None):
    """Whether this mark may be recorded now: apologies and our cancellations at any time,
    attended and did not attend once the session has started."""
    return status in KNOWN_AHEAD or has_started(session, now)


@dataclass(slots=True, frozen=True)
class Family:
    """One family on a register, as read for the page: plain values, not ORM objects (hydrating
    an enrolment, dyad, parent, baby, mark and marker for each of 25 rows cost three times
    reading their columns). The enrolment's own columns keep Enrolment's names (id is the
    enrolment's), so is_expected, the answering windows and mark_attendance read it as they
    read an Enrolment."""

    id: int
    dyad_id: int
    group_id: int
    status: EnrolmentStatus
    enrolled_at: datetime | None
    ended_at: datetime | None
    created_at: datetime | None
    name: str
    baby: str
    interpreter_language: str
    access_needs: str


@dataclass(slots=True, frozen=True)
class Mark:
    """A family's mark at the session, as read for the page. `recorded_by` is the name of the
    member of staff who made it, None when the parent (apologies) or the system made it."""

    status: AttendanceStatus
    version: int
    recorded_at: datetime
    recorded_by: str | None


@dataclass
class RegisterRow:
    """One dyad on a register: the family, its mark (if any) and whether it is her first time.
    At a cancelled session everyone reads as cancelled by us, stored yet or not (the listener
    stores it when the session is cancelled; the page only reads)."""

    family: Family
    attendance: Mark | None
    is_new: bool
    session_cancelled: bool = False

    @property
    def version(self):
        return self.attendance.version if self.attendance else 0

    @property
    def stored_status(self):
        return self.attendance.status if self.attendance else None

    @property
    def status(self):
        return AttendanceStatus.CANCELLED_BY_SERVICE if self.session_cancelled \
            else self.stored_status


def todays_sessions(staff, now: datetime):
    """Sessions on today's London date: a facilitator's own groups, or every group for admins."""
    start, end = london_day_bounds(london_today(now))
    query = (sa.select(GroupSession).join(Group)
             .where(GroupSession.starts_at >= start, GroupSession.starts_at < end,
                    Group.id.in_(visible_group_ids(staff)))
             .order_by(GroupSession.starts_at, Group.name))
    return db.session.scalars(query).all()


def day_end(session: GroupSession):
    return _london_day_end(session.starts_at)


@lru_cache(maxsize=4096)
def _london_day_end(moment):
    """The end of the London day a moment falls on (a register asks for every earlier session
    of every family on it)."""
    return london_day_bounds(london_today(moment))[1]


def is_expected(enrolment: Enrolment, session: GroupSession):
    """Enrolled by the end of the session's day and not gone before it started."""
    if enrolment.status == EnrolmentStatus.WAITING:
        return False
    if enrolment.enrolled_at and enrolment.enrolled_at >= day_end(session):
        return False
    if enrolment.ended_at:
        return enrolment.ended_at > session.starts_at
    return enrolment.status != EnrolmentStatus.WITHDRAWN


@dataclass(frozen=True, slots=True)
class Meeting:
    """When one session of a group that is still on meets: what a register asks of each of its
    group's sessions (who is new this week; for its notes, whose questionnaire is open)."""

    starts_at: datetime
    ends_at: datetime


# A group's sessions still on, in order, as columns (built once, the group's id a parameter).
RUNNING_SESSIONS = (
    sa.select(GroupSession.starts_at, GroupSession.duration_minutes)
    .where(GroupSession.group_id == sa.bindparam("group_id"),
           GroupSession.status != SessionStatus.CANCELLED)
    .order_by(GroupSession.starts_at))
# app.extensions: each group's running sessions as this process read them (pairs_group.kept)
RUNNING = "attendance.running_sessions"


def running_sessions(session: GroupSession):
    """The sessions of this session's group not cancelled, in order, as Meetings: read as two
    columns (loading the group's sessions as objects for this cost four times as much) and
    kept a minute in this process, cleared at once by a change of sessions here. They say who
    is new this week and whose questionnaire is open; the session itself is read fresh."""
    return kept(RUNNING).many([session.group_id], _read_running_sessions)[session.group_id]


def _read_running_sessions(group_ids):
    connection = db.session.connection()
    return {group_id: tuple(
        Meeting(starts_at, starts_at + timedelta(minutes=minutes))
        for starts_at, minutes in connection.execute(RUNNING_SESSIONS, {"group_id": group_id}))
        for group_id in group_ids}


def earlier_sessions(session: GroupSession, running=None):
    """The group's sessions before this one that were not cancelled. `running`: the group's
    sessions still on (running_sessions), when the caller has read them."""
    if running is None:
        running = [s for s in session.group.sessions if not s.is_cancelled]
    return [s for s in running if s.starts_at < session.starts_at]


def enrolments_outside(session: GroupSession, enrolment_ids):
    """Those of these enrolment ids that belong to another group (or to no one)."""
    if not enrolment_ids:
        return set()
    ours = db.session.scalars(sa.select(Enrolment.id).where(
        Enrolment.id.in_(enrolment_ids), Enrolment.group_id == session.group_id))
    return set(enrolment_ids) - set(ours)


@dataclass(frozen=True, slots=True)
class Named:
    """A session's group or place, as a register shows it."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class SessionShown:
    """A session as its register reads it, as plain values: loading the session with its group
    and venue as objects cost as much as reading the whole register. It has GroupSession's
    names, its group and place as Named, so the page, its rows and notes and the audit log read
    it as they read a GroupSession (the audit names it as one)."""

    audit_kind: ClassVar[str] = "GroupSession"

    id: int
    group_id: int
    number: int
    starts_at: datetime
    duration_minutes: int
    status: SessionStatus
    note: str
    group: Named
    venue: Named

    @property
    def is_cancelled(self):
        return self.status == SessionStatus.CANCELLED

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)


MovedTo = aliased(Venue)  # a session's own venue, when it was moved to another place
# What a register shows of its session (SessionShown's values) and whether a member of staff
# is named on its group; then, on each row, a family of the group with her parent's and baby's
# names and her mark at the session (if any) with who made it (see Family). One statement,
# built once, the ids parameters. The families are outer-joined, so a group with no one in it
# still gives its session (one row without a family).
SESSION_COLUMNS = (
    GroupSession.id, GroupSession.group_id, GroupSession.number, GroupSession.starts_at,
    GroupSession.duration_minutes, GroupSession.status, GroupSession.note, Group.name,
    sa.func.coalesce(MovedTo.id, Venue.id), sa.func.coalesce(MovedTo.name, Venue.name),
    names_facilitator(GroupSession.group_id, sa.bindparam("staff_id")))
REGISTER = (
    sa.select(*SESSION_COLUMNS,
              Enrolment.id, Enrolment.dyad_id, Enrolment.group_id, Enrolment.status,
              Enrolment.enrolled_at, Enrolment.ended_at, Enrolment.created_at,
              Parent.name, Baby.name, Parent.interpreter_language, Parent.access_needs,
              Attendance.status, Attendance.version, Attendance.recorded_at, StaffUser.name)
    .join(Group, Group.id == GroupSession.group_id)
    .join(Venue, Venue.id == Group.venue_id)
    .outerjoin(MovedTo, MovedTo.id == GroupSession.venue_id)
    .outerjoin(Enrolment, Enrolment.group_id == GroupSession.group_id)
    .outerjoin(Dyad, Dyad.id == Enrolment.dyad_id)
    .outerjoin(Parent, Parent.id == Dyad.parent_id)
    .outerjoin(Baby, Baby.id == Dyad.baby_id)
    .outerjoin(Attendance, sa.and_(Attendance.enrolment_id == Enrolment.id,
                                   Attendance.session_id == GroupSession.id))
    .outerjoin(StaffUser, StaffUser.id == Attendance.recorded_by_id)
    .where(GroupSession.id == sa.bindparam("session_id")))


def read_register(session_id, staff_id=None):
    """(the session as SessionShown, whether the member of staff `staff_id` is named on its
    group, its families' columns for register_for), or None when there is no such session.
    On the session's connection: columns need none of the ORM's handling of a result."""
    found = db.session.connection().execute(
        REGISTER, {"session_id": session_id, "staff_id": staff_id}).all()
    if not found:
        return None
    width = len(SESSION_COLUMNS)
    (id_, group_id, number, starts_at, minutes, status, note, group_name, venue_id, venue_name,
     named) = found[0][:width]
    session = SessionShown(id_, group_id, number, starts_at, minutes, status, note,
                           Named(group_id, group_name), Named(venue_id, venue_name))
    return session, bool(named), [row[width:] for row in found if row[width] is not None]


def register_for(session, running=None, families=None):
    """Everyone expected at the session (a GroupSession or SessionShown), plus anyone already
    marked, in name order (`running` as for earlier_sessions; `families`: the columns
    read_register gave, when the caller has read them)."""
    before = earlier_sessions(session, running)
    if families is None:
        families = read_register(session.id)[2]
    rows = []
    for *columns, status, version, recorded_at, recorded_by in families:
        family = Family(*columns)
        # a staff member's name is never null: None is no one (the outer join found no one)
        mark = None if status is None else Mark(status, version, recorded_at, recorded_by)
        if mark is not None or is_expected(family, session):
            rows.append(RegisterRow(family, mark,
                                    not any(is_expected(family, s) for s in before),
                                    session.is_cancelled))
    return sorted(rows, key=lambda r: (r.family.name.casefold(), r.family.id))


def current_mark(session, enrolment):
    return db.session.execute(
        sa.select(Attendance)
        .where(Attendance.session_id == session.id, Attendance.enrolment_id == enrolment.id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def snapshot(attendance):
    if attendance is None:
        return {"status": None, "reason": "", "version": 0}
    return {"status": attendance.status.value, "reason": attendance.reason,
            "version": attendance.version}


def check_mark(session, enrolment, status, reason):
    if enrolment.group_id != session.group_id:
        raise ValueError("the enrolment is not in this session's group")
    if len(reason) > MAX_REASON_LENGTH:
        raise ValueError("the reason is too long")
    status = AttendanceStatus(status)  # ValueError for an unknown status
    if not may_mark(session, status):
        raise NotStartedYet(f"session {session.id} has not started: {status.value} refused")
    return status


def mark_attendance(session, enrolment, status, by=None, expected_version=0, reason=""):
    """Set one mark if it is still as the marker saw it (version), else raise StaleAttendance.

    The guarded INSERT/UPDATE is a single statement, so two facilitators saving at once
    can never both win: one of them changes no row and is told.
    """
    status = check_mark(session, enrolment, status, reason)
    before = current_mark(session, enrolment)
    if (before.version if before else 0) != expected_version:
        raise StaleAttendance(enrolment, before)
    if before is not None and before.status == status and before.reason == reason:
        return before
    seen = snapshot(before)  # taken now: re-reading below refreshes the same object
    values = {"status": status, "reason": reason, "recorded_at": utcnow(),
              "recorded_by_id": by.id if by is not None else None}
    written = (update_mark(before, expected_version, values) if before
               else insert_mark(session, enrolment, values))
    after = current_mark(session, enrolment)
    if not written:
        raise StaleAttendance(enrolment, after)
    record("attendance.change", after, session_id=session.id, enrolment_id=enrolment.id,
           before=seen, after=snapshot(after))
    return after


def update_mark(attendance, expected_version, values):
    result = db.session.execute(
        sa.update(Attendance)
        .where(Attendance.id == attendance.id, Attendance.version == expected_version)
        .values(version=expected_version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def insert_mark(session, enrolment, values):
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[db.session.get_bind().dialect.name]
    statement = dialect.insert(Attendance).values(
        session_id=session.id, enrolment_id=enrolment.id, version=1, **values)
    result = db.session.execute(statement.on_conflict_do_nothing(
        index_elements=["enrolment_id", "session_id"]).returning(Attendance.id))
    return result.scalar_one_or_none() is not None  # no id back: the other phone got there first


def mark_service_cancellation(session: GroupSession, by=None):
    """Everyone expected at a cancelled session is marked cancelled by the service."""
    changed = 0
    for row in register_for(session):
        if row.stored_status == AttendanceStatus.CANCELLED_BY_SERVICE:
            continue
        for _attempt in range(2):  # a parent's apology may land at the same moment: retry once
            try:
                current = current_mark(session, row.family)
                mark_attendance(session, row.family, AttendanceStatus.CANCELLED_BY_SERVICE,
                                by, current.version if current else 0)
                changed += 1
                break
            except StaleAttendance:
                continue
    return changed


def unfinished_registers(group, now=None):
    """Sessions of the group that have started, not cancelled, with someone not yet marked."""
    return [s for s in group.sessions if has_started(s, now) and not s.is_cancelled
            and any(row.attendance is None for row in register_for(s))]


def on_group_edit_asked(group, change, **_extra):
    """Listener for groups.edits.group_edit_asked: registers left unfinished by a facilitator
    the change takes off the group."""
    kept = {user.id for user in change.facilitators}
    if all(user.id in kept for user in group.facilitators):
        return []
    unfinished = unfinished_registers(group)
    return [ngettext(
        "%(num)d register of a session that has started is not finished: after the change only "
        "admins and the facilitators still named can finish it.",
        "%(num)d registers of sessions that have started are not finished: after the change "
        "only admins and the facilitators still named can finish them.",
        len(unfinished))] if unfinished else []


def on_session_changed(session, change, **_extra):
    """Listener for groups.service.session_changed: store the cancellation for the reports."""
    if change == "cancelled":
        mark_service_cancellation(session)


def on_place_given(enrolment, **_extra):
    """Listener for parents.places.place_given: she is expected at sessions the group has
    already called off, which the register shows her cancelled by us at; stored now, so the
    reports count her there as the cancel's listener counted everyone enrolled then."""
    called_off = db.session.scalars(sa.select(GroupSession).where(
        GroupSession.group_id == enrolment.group_id,
        GroupSession.status == SessionStatus.CANCELLED)).all()
    for session in called_off:
        if is_expected(enrolment, session):
            mark_service_cancellation(session)


def history_of(attendance: Attendance | None):
    """Every change to one mark, oldest first, from the audit log."""
    if attendance is None:
        return []
    return db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == "attendance.change",
            AuditEvent.target_type == Attendance.__name__,
            AuditEvent.target_id == str(attendance.id))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()


def actor_names(events):
    """'staff:3' -> the staff member's name, for showing who made each change."""
    ids = {int(e.actor.split(":")[1]) for e in events
           if e.actor.startswith("staff:") and e.actor.split(":")[1].isdigit()}
    if not ids:
        return {}
    users = db.session.scalars(sa.select(StaffUser).where(StaffUser.id.in_(ids)))
    return {u.get_id(): u.name or u.email for u in users}
