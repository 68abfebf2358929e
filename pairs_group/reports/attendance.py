"""Attendance figures in SQL: per status overall, per group, per session, by financial year."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.db import db, utcnow
from pairs_group.groups.models import Group, GroupSession, SessionStatus, Venue
from pairs_group.parents.models import Dyad, Enrolment, Parent
from pairs_group.reports.filters import (
    COUNTED_ENROLMENTS,
    date_conditions,
    group_conditions,
    language_conditions,
    scoped_enrolments,
    session_conditions,
)

STATUSES = [AttendanceStatus.ATTENDED, AttendanceStatus.CANCELLED_BY_PARENT,
            AttendanceStatus.CANCELLED_BY_SERVICE, AttendanceStatus.DID_NOT_ATTEND]
STATUS_LABELS = {
    AttendanceStatus.ATTENDED: _l("Attended"),
    AttendanceStatus.CANCELLED_BY_PARENT: _l("Cancelled by parent"),
    AttendanceStatus.CANCELLED_BY_SERVICE: _l("Cancelled by service"),
    AttendanceStatus.DID_NOT_ATTEND: _l("Did not attend"),
}
# National CAMHS non-attendance, 2019/20 to 2020/21, as the evaluation compares against.
NATIONAL_DNA_RANGE = (0.15, 0.20)


def _attendance_rows(*columns):
    return (sa.select(*columns).select_from(Attendance)
            .join(Enrolment, Enrolment.id == Attendance.enrolment_id)
            .join(Dyad, Dyad.id == Enrolment.dyad_id)
            .join(Parent, Parent.id == Dyad.parent_id)
            .join(GroupSession, GroupSession.id == Attendance.session_id)
            .join(Group, Group.id == GroupSession.group_id))


def _status_sums():
    return [sa.func.sum(sa.case((Attendance.status == status, 1), else_=0)).label(status.value)
            for status in STATUSES]


def with_proportions(counts):
    """{status: count} -> the counts, their total and each status as a proportion of it."""
    counts = {status.value: int(counts.get(status.value) or 0) for status in STATUSES}
    total = sum(counts.values())
    return {"counts": counts, "total": total,
            "proportions": {key: (value / total if total else None)
                            for key, value in counts.items()}}


def overall(report_filter):
    row = db.session.execute(
        _attendance_rows(*_status_sums()).where(*session_conditions(report_filter))).one()
    return with_proportions(row._mapping)


def per_group(report_filter):
    query = (_attendance_rows(Group.id, Group.name, Venue.name.label("venue"), *_status_sums())
             .join(Venue, Venue.id == Group.venue_id)
             .where(*session_conditions(report_filter))
             .group_by(Group.id, Group.name, Venue.name)
             .order_by(Group.first_session_at.desc(), Group.id))
    return [{"group_id": row.id, "group": row.name, "venue": row.venue,
             **with_proportions(row._mapping)} for row in db.session.execute(query)]


def per_session(report_filter, limit=None):
    query = (_attendance_rows(GroupSession.id, GroupSession.number, GroupSession.starts_at,
                              Group.name, *_status_sums())
             .where(*session_conditions(report_filter))
             .group_by(GroupSession.id, GroupSession.number, GroupSession.starts_at, Group.name)
             .order_by(GroupSession.starts_at.desc(), GroupSession.id).limit(limit))
    return [{"session_id": row.id, "group": row.name, "number": row.number,
             "starts_at": row.starts_at, **with_proportions(row._mapping)}
            for row in db.session.execute(query)]


def financial_year(column):
    """April to March: the year the financial year starts in (SQL, both databases)."""
    year = sa.cast(sa.extract("year", column), sa.Integer)
    month = sa.cast(sa.extract("month", column), sa.Integer)
    return sa.case((month < 4, year - 1), else_=year)


def by_financial_year(report_filter):
    """Attended sessions and enrolments per financial year, like Figure 1 of the evaluation."""
    attended_year = financial_year(GroupSession.starts_at)
    attended = dict(db.session.execute(
        _attendance_rows(attended_year, sa.func.count())
        .where(Attendance.status == AttendanceStatus.ATTENDED, *session_conditions(report_filter))
        .group_by(attended_year)).all())
    enrolments = scoped_enrolments(report_filter).add_columns(
        financial_year(Group.first_session_at).label("year")).subquery()
    enrolled = dict(db.session.execute(
        sa.select(enrolments.c.year, sa.func.count()).group_by(enrolments.c.year)).all())
    years = sorted({int(y) for y in (*attended, *enrolled) if y is not None})
    return [{"year": year, "label": f"{year}/{(year + 1) % 100:02d}",
             "attended_sessions": int(attended.get(year, 0)),
             "enrolments": int(enrolled.get(year, 0))} for year in years]


def registers_not_taken(report_filter, limit=None):
    """Past sessions that went ahead, with dyads enrolled, but not one mark recorded."""
    marked = sa.select(Attendance.id).where(Attendance.session_id == GroupSession.id).exists()
    enrolled = (sa.select(Enrolment.id).join(Dyad, Dyad.id == Enrolment.dyad_id)
                .join(Parent, Parent.id == Dyad.parent_id)
                .where(Enrolment.group_id == GroupSession.group_id,
                       Enrolment.status.in_(COUNTED_ENROLMENTS),
                       *language_conditions(report_filter)).exists())
    due = [GroupSession.starts_at < utcnow(), GroupSession.status != SessionStatus.CANCELLED,
           enrolled, *group_conditions(report_filter),
           *date_conditions(GroupSession.starts_at, report_filter)]
    conditions = [*due, ~marked]
    base = sa.select(GroupSession.id).join(Group, Group.id == GroupSession.group_id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(
        base.where(*conditions).subquery()))
    past = db.session.scalar(sa.select(sa.func.count()).select_from(
        base.where(*due).subquery()))
    rows = db.session.execute(
        sa.select(GroupSession.id, GroupSession.number, GroupSession.starts_at, Group.name)
        .join(Group, Group.id == GroupSession.group_id).where(*conditions)
        .order_by(GroupSession.starts_at.desc()).limit(limit)).all()
    return {"count": total, "past_sessions": past,
            "proportion": total / past if past else None,
            "sessions": [{"session_id": r.id, "group": r.name, "number": r.number,
                          "starts_at": r.starts_at} for r in rows]}


def summary(report_filter, limit=None):
    """The whole attendance section."""
    return {"overall": overall(report_filter), "per_group": per_group(report_filter),
            "per_session": per_session(report_filter, limit),
            "by_financial_year": by_financial_year(report_filter),
            "national_dna_range": list(NATIONAL_DNA_RANGE)}
