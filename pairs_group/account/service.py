"""Her schedule and what she can do with it: the next session, "I can't come", withdrawing."""

from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from blinker import Namespace
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.audit.service import record
from pairs_group.db import db, utcnow
from pairs_group.groups.models import Group, GroupSession, SessionStatus
from pairs_group.parents.models import Dyad, Enrolment, EnrolmentStatus
from pairs_group.parents.places import withdraw_enrolment
from pairs_group.questionnaires.plans import home_tasks

signals = Namespace()
# Sent with (enrolment) after she leaves a group (the parents' feature has already offered
# her place to the waiting list); for anyone else who needs to know.
enrolment_withdrawn = signals.signal("enrolment-withdrawn")

MAX_REASON = 500
LIVE = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING)


@dataclass(frozen=True)
class Task:
    """Something she is asked to do (a questionnaire), shown on her home page."""

    title: str
    url: str
    due: object = None


def questionnaire_tasks(parent):
    """Her open questionnaires (the questionnaires feature, a lower layer, lists them)."""
    return [Task(title, url, due) for title, url, due in home_tasks(parent)]


# Functions parent -> [Task]; a feature above this one adds its own with register_task_provider.
TASK_PROVIDERS = [questionnaire_tasks]


def register_task_provider(provider):
    TASK_PROVIDERS.append(provider)
    return provider


def tasks_for(parent):
    return [task for provider in TASK_PROVIDERS for task in provider(parent)]


def real_id(value):
    """An id that could be in the database (a tampered URL can hold any number)."""
    return value if isinstance(value, int) and 0 < value < 2**31 else None


def enrolments_of(parent, statuses=LIVE):
    """Her enrolments (any baby), most recent group first."""
    return db.session.scalars(
        sa.select(Enrolment).join(Dyad).where(Dyad.parent_id == parent.id,
                                              Enrolment.status.in_(statuses))
        .order_by(Enrolment.created_at.desc())).all()


def her_schedules(parent, now=None):
    """Her live enrolments as enrolments_of orders them, each with its group, venue and
    sessions, and {enrolment id: schedule(enrolment)}, from one statement: her home page shows
    them all."""
    now, marks = now or utcnow(), load_families(parent)
    live = sorted((enrolment for dyad in parent.dyads for enrolment in dyad.enrolments
                   if enrolment.status in LIVE),
                  key=lambda enrolment: enrolment.created_at, reverse=True)
    return live, {enrolment.id: schedule(enrolment, now, marks[enrolment.id])
                  for enrolment in live}


def load_families(parent):
    """Every enrolment of each of her babies, with its group, venue and sessions, kept as
    `parent.dyads` (the questionnaires feature then finds her open questionnaires among the
    same objects instead of asking the database again), and what she told us about each
    session: {enrolment id: attendance_by_session(enrolment)}. One statement."""
    rows = db.session.execute(_families_statement(), {"parent_id": parent.id}).unique().all()
    set_committed_value(parent, "dyads", list(dict.fromkeys(dyad for dyad, _mark in rows)))
    marks = {enrolment.id: {} for dyad in parent.dyads for enrolment in dyad.enrolments}
    for _dyad, mark in rows:
        if mark is not None:
            marks[mark.enrolment_id][mark.session_id] = mark
    return marks


@cache
def _families_statement():
    """Built once, her id a parameter: building it and its cache key cost about as much as
    running it. Her attendance comes on the row of its enrolment's session (one at most)."""
    group = contains_eager(Dyad.enrolments).contains_eager(Enrolment.group)
    return (sa.select(Dyad, Attendance)
            .outerjoin(Dyad.enrolments).outerjoin(Enrolment.group).outerjoin(Group.venue)
            .outerjoin(Group.sessions)
            .outerjoin(Attendance, sa.and_(Attendance.enrolment_id == Enrolment.id,
                                           Attendance.session_id == GroupSession.id))
            .where(Dyad.parent_id == sa.bindparam("parent_id"))
            .options(group.contains_eager(Group.venue), group.contains_eager(Group.sessions))
            .order_by(Dyad.id, Enrolment.id, GroupSession.starts_at))


def enrolment_of(parent, enrolment_id):
    """Her enrolment with this id, or None (never someone else's)."""
    enrolment = db.session.get(Enrolment, enrolment_id) if real_id(enrolment_id) else None
    return enrolment if enrolment and enrolment.dyad.parent_id == parent.id else None


def attendance_by_session(enrolment):
    rows = db.session.scalars(sa.select(Attendance).where(
        Attendance.enrolment_id == enrolment.id)).all()
    return {row.session_id: row for row in rows}


@dataclass(frozen=True)
class ScheduleRow:
    session: GroupSession
    attendance: Attendance | None
    can_change: bool  # she may still say she can't come, or undo it

    @property
    def cant_come(self):
        return bool(self.attendance and
                    self.attendance.status == AttendanceStatus.CANCELLED_BY_PARENT)


def schedule(enrolment, now=None, marks=None):
    """Every session of her group, with what she told us about each (`marks`, if read
    already)."""
    now = now or utcnow()
    marks = attendance_by_session(enrolment) if marks is None else marks
    return [ScheduleRow(s, marks.get(s.id), _changeable(enrolment, s, marks.get(s.id), now))
            for s in enrolment.group.sessions]


def _changeable(enrolment, session, mark, now):
    if enrolment.status != EnrolmentStatus.ENROLLED or session.is_cancelled:
        return False
    if mark is not None and mark.status != AttendanceStatus.CANCELLED_BY_PARENT:
        return False
    return session.starts_at > now


def next_session(enrolments, schedules, now=None):
    """(enrolment, session) of the next session that goes ahead and she is coming to, or None.
    `schedules` is {enrolment id: schedule(enrolment)}, already made for her home page."""
    now, found = now or utcnow(), []
    for enrolment in enrolments:
        if enrolment.status != EnrolmentStatus.ENROLLED:
            continue
        for row in schedules[enrolment.id]:
            if _she_is_expected(row.session, row.attendance, now):
                found.append((row.session.starts_at, enrolment.id, enrolment, row.session))
                break
    return min(found, key=lambda item: item[:2])[2:] if found else None


def _she_is_expected(session, mark, now):
    if session.ends_at <= now or session.status == SessionStatus.CANCELLED:
        return False
    return mark is None or mark.status != AttendanceStatus.CANCELLED_BY_PARENT


def session_for(parent, enrolment_id, session_id):
    """Her enrolment and one of its group's sessions, or (None, None)."""
    enrolment = enrolment_of(parent, enrolment_id)
    session = db.session.get(GroupSession, session_id) if real_id(session_id) else None
    if enrolment is None or session is None or session.group_id != enrolment.group_id:
        return None, None
    return enrolment, session


def say_cant_come(enrolment, session, reason="", now=None):
    """Record that she cannot come (cancelled with notice, not "did not attend"). False if too
    late or not hers to change."""
    marks = attendance_by_session(enrolment)
    mark = marks.get(session.id)
    if not _changeable(enrolment, session, mark, now or utcnow()):
        return False
    if mark is None:
        mark = Attendance(enrolment_id=enrolment.id, session_id=session.id)
        db.session.add(mark)
    mark.status, mark.reason = AttendanceStatus.CANCELLED_BY_PARENT, (reason or "")[:MAX_REASON]
    mark.recorded_by_id, mark.recorded_at = None, utcnow()
    db.session.flush()
    record("attendance.change", mark, status=str(mark.status), by="parent",
           session_id=session.id)
    return True


def undo_cant_come(enrolment, session, now=None):
    """She can come after all: her apology is removed, if the session has not started."""
    mark = attendance_by_session(enrolment).get(session.id)
    if mark is None or not _changeable(enrolment, session, mark, now or utcnow()):
        return False
    record("attendance.change", mark, status="undone", by="parent", session_id=session.id)
    db.session.delete(mark)
    return True


def withdraw(enrolment):
    """She leaves the group: her place is freed and the waiting list is told."""
    if enrolment.status not in LIVE:
        return False
    withdraw_enrolment(enrolment)  # frees her place and offers it to the next parent
    record("enrolment.withdraw", enrolment, by="parent")
    enrolment_withdrawn.send(enrolment)
    return True
