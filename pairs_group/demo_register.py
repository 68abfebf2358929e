"""Demo data for the register: a running group that meets TODAY, with ten dyads, two past
registers, one parent's apologies for today and one family new this week.

Called by `flask demo`; finds what it made before, so running it twice changes nothing
(except pulling the group's next session to today when the demo is loaded on a later day).
"""

from datetime import date, time, timedelta

import sqlalchemy as sa

from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.db import db, utcnow
from pairs_group.groups.models import Group, GroupStatus
from pairs_group.groups.service import create_group
from pairs_group.parents.models import Baby, Dyad, Enrolment, EnrolmentStatus, Parent
from pairs_group.times import in_london, london_moment

GROUP_NAME = "Together Time Stockwell 3"
STARTS_AT = time(10, 0)
# (name, mobile, language, baby, baby's age in weeks, interpreter, access needs)
PARENTS = [
    ("Abena Mensah", "+447700900150", "en", "Kofi", 14, "", ""),
    ("Bianca Rossi", "+447700900151", "en", "Giulia", 9, "", "Uses a wheelchair"),
    ("Carla Mendes", "+447700900152", "pt", "Tiago", 18, "Portuguese", ""),
    ("Deka Omar", "+447700900153", "so", "Ayaan", 11, "Somali", ""),
    ("Ewa Kowalska", "+447700900154", "pl", "Kuba", 22, "", ""),
    ("Farah Khan", "+447700900155", "en", "Zara", 7, "", "Hard of hearing: please face her"),
    ("Gloria Ortiz", "+447700900156", "es", "Pablo", 16, "", ""),
    ("Hannah Brown", "+447700900157", "en", "Alfie", 12, "", ""),
    ("Ifeoma Eze", "+447700900158", "en", "Chidi", 20, "", ""),
    ("Jasmine Clarke", "+447700900159", "en", "Isla", 10, "", ""),
]
NEW_THIS_WEEK = "+447700900159"  # enrolled yesterday: her first session is today
APOLOGIES_TODAY = "+447700900154"  # tapped "I can't come" for today
PAST_MARKS = {  # mobile -> marks for sessions 1 and 2 (everyone else attended both)
    "+447700900153": (AttendanceStatus.ATTENDED, AttendanceStatus.CANCELLED_BY_PARENT),
    "+447700900156": (AttendanceStatus.DID_NOT_ATTEND, AttendanceStatus.ATTENDED),
    "+447700900158": (AttendanceStatus.ATTENDED, AttendanceStatus.DID_NOT_ATTEND),
}


def ensure_running_group(venue, facilitator, today: date):
    group = db.session.scalar(sa.select(Group).where(Group.name == GROUP_NAME))
    if group is None:
        group = create_group(
            name=GROUP_NAME, venue=venue, first_day=today - timedelta(weeks=2),
            start_time=STARTS_AT, session_count=8, capacity=10, languages=("en", "pt", "so"),
            facilitators=[facilitator], status=GroupStatus.RUNNING,
            postcode_areas="SW9 SW2 SE5 SE11 SW8")
        db.session.flush()
    pull_a_session_to_today(group, today)
    return group


def pull_a_session_to_today(group, today: date):
    """Bank holidays or a later day may leave no session today: bring the next one forward."""
    days = [in_london(s.starts_at).date() for s in group.sessions]
    if today in days:
        return
    upcoming = [s for s, day in zip(group.sessions, days, strict=True) if day > today]
    if upcoming:
        upcoming[0].starts_at = london_moment(today, STARTS_AT)


def ensure_dyad(name, mobile, language, baby, age_weeks, interpreter, needs, today):
    parent = db.session.scalar(sa.select(Parent).where(Parent.mobile == mobile))
    if parent is not None:
        return parent.dyads[0]
    parent = Parent(name=name, mobile=mobile, language=language, postcode="SW9 7AA",
                    interpreter_language=interpreter, access_needs=needs)
    dyad = Dyad(parent=parent, baby=Baby(
        name=baby, date_of_birth=today - timedelta(weeks=age_weeks)))
    db.session.add(dyad)
    return dyad


def ensure_enrolled(dyad, group, since):
    found = db.session.scalar(sa.select(Enrolment).where(
        Enrolment.dyad_id == dyad.id, Enrolment.group_id == group.id))
    if found is None:
        found = Enrolment(dyad=dyad, group=group, status=EnrolmentStatus.ENROLLED,
                          enrolled_at=since)
        db.session.add(found)
    return found


def ensure_mark(enrolment, session, status):
    found = db.session.scalar(sa.select(Attendance).where(
        Attendance.enrolment_id == enrolment.id, Attendance.session_id == session.id))
    if found is None:
        db.session.add(Attendance(enrolment=enrolment, session=session, status=status,
                                  recorded_at=min(utcnow(), session.starts_at)))


def past_and_today(group, today):
    past = [s for s in group.sessions if in_london(s.starts_at).date() < today]
    todays = [s for s in group.sessions if in_london(s.starts_at).date() == today]
    return past[:2], todays[0] if todays else None


def create_register_demo(venue, facilitator, today: date):
    """The running group, its ten families and the marks made before today."""
    group = ensure_running_group(venue, facilitator, today)
    past, todays = past_and_today(group, today)
    for row in PARENTS:
        dyad = ensure_dyad(*row, today=today)
        db.session.flush()
        new = row[1] == NEW_THIS_WEEK
        since = london_moment(today - timedelta(days=1 if new else 21), time(12))
        dyad.parent.created_at = min(dyad.parent.created_at, since)  # she signed up then
        enrolment = ensure_enrolled(dyad, group, since)
        db.session.flush()
        for session, status in zip(past, PAST_MARKS.get(row[1], [AttendanceStatus.ATTENDED] * 2),
                                   strict=False):
            if not new:
                ensure_mark(enrolment, session, status)
        if todays is not None and row[1] == APOLOGIES_TODAY:
            ensure_mark(enrolment, todays, AttendanceStatus.CANCELLED_BY_PARENT)
    db.session.commit()
    return group

