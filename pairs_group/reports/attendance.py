"""Attendance figures: one SQL aggregate per session, summed up to groups, years and overall."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.db import db, utcnow
from pairs_group.groups.models import Group, GroupSession, SessionStatus, Venue
from pairs_group.parents.models import Dyad, Enrolment, Parent
from pairs_group.reports import charts, paging
from pairs_group.reports.filters import (
    COUNTED_ENROLMENTS,
    date_conditions,
    group_conditions,
    language_conditions,
    scoped_enrolments,
    session_conditions,
    taken_place,
)

STATUSES = [AttendanceStatus.ATTENDED, AttendanceStatus.CANCELLED_BY_PARENT,
            AttendanceStatus.CANCELLED_BY_SERVICE, AttendanceStatus.DID_NOT_ATTEND]
STATUS_KEYS = [status.value for status in STATUSES]
STATUS_LABELS = {
    AttendanceStatus.ATTENDED: _l("Attended"),
    AttendanceStatus.CANCELLED_BY_PARENT: _l("Cancelled by parent"),
    AttendanceStatus.CANCELLED_BY_SERVICE: _l("Cancelled by service"),
    AttendanceStatus.DID_NOT_ATTEND: _l("Did not attend"),
}
# National CAMHS non-attendance, 2019/20 to 2020/21, as the evaluation compares against.
NATIONAL_DNA_RANGE = (0.15, 0.20)


def _attendance_rows(report_filter, *columns):
    """Attendance joined to what the filter needs, and nothing more: the session and group only
    to filter by date, group or venue, the parent only by language. Unfiltered, the pass over
    every register is then one join (to the enrolment, whose status counts)."""
    query = (sa.select(*columns).select_from(Attendance)
             .join(Enrolment, Enrolment.id == Attendance.enrolment_id))
    if group_conditions(report_filter) or date_conditions(GroupSession.starts_at, report_filter):
        query = (query.join(GroupSession, GroupSession.id == Attendance.session_id)
                 .join(Group, Group.id == GroupSession.group_id))
    if report_filter.language:
        query = (query.join(Dyad, Dyad.id == Enrolment.dyad_id)
                 .join(Parent, Parent.id == Dyad.parent_id))
    return query.where(*session_conditions(report_filter))


def _status_sums():
    return [sa.func.sum(sa.case((Attendance.status == status, 1), else_=0)).label(status.value)
            for status in STATUSES]


def _figures(counts):
    """Counts in STATUS_KEYS order -> counts, total and proportions (built for 10,000 rows)."""
    total = sum(counts)
    shares = [count / total for count in counts] if total else [None] * len(counts)
    return {"counts": dict(zip(STATUS_KEYS, counts, strict=True)), "total": total,
            "proportions": dict(zip(STATUS_KEYS, shares, strict=True))}


# Positions in a session_counts() row; the status counts follow, in STATUS_KEYS order.
ID, NUMBER, STARTS_AT, GROUP_ID, GROUP, FIRST_SESSION_AT, VENUE, COUNTS = range(8)
ATTENDED = COUNTS + STATUS_KEYS.index(AttendanceStatus.ATTENDED.value)


def session_counts(report_filter):
    """Status counts per session that has taken place, newest first, read by position: the one
    pass over attendance every figure of the section is summed from (grouped by the session id
    alone, then the session's details joined)."""
    sums = (_attendance_rows(report_filter, Attendance.session_id, *_status_sums())
            .group_by(Attendance.session_id).subquery())
    query = (sa.select(GroupSession.id, GroupSession.number, GroupSession.starts_at,
                       Group.id, Group.name, Group.first_session_at, Venue.name,
                       *[sums.c[key] for key in STATUS_KEYS])
             .select_from(sums).join(GroupSession, GroupSession.id == sums.c.session_id)
             .join(Group, Group.id == GroupSession.group_id)
             .join(Venue, Venue.id == Group.venue_id).where(taken_place())
             .order_by(GroupSession.starts_at.desc(), GroupSession.id))
    return db.session.connection().execute(query).all()


def _summed(rows):
    return [sum(column) for column in zip(*(row[COUNTS:] for row in rows), strict=True)] \
        if rows else [0] * len(STATUS_KEYS)


def overall(report_filter, sessions=None):
    sessions = session_counts(report_filter) if sessions is None else sessions
    return _figures(_summed(sessions))


def per_group(report_filter, sessions=None):
    """Each group's sessions summed; newest group first, as the groups pages list them."""
    sessions = session_counts(report_filter) if sessions is None else sessions
    groups = {}
    for row in sessions:
        groups.setdefault(row[GROUP_ID], []).append(row)
    ordered = sorted(groups.values(), key=lambda rows: rows[0][GROUP_ID])
    ordered.sort(key=lambda rows: rows[0][FIRST_SESSION_AT], reverse=True)
    return [{"group_id": rows[0][GROUP_ID], "group": rows[0][GROUP], "venue": rows[0][VENUE],
             **_figures(_summed(rows))} for rows in ordered]


def per_session(report_filter, limit=None, sessions=None):
    sessions = session_counts(report_filter) if sessions is None else sessions
    return [session_row(row) for row in sessions[:limit]]


def session_row(row):
    return {"session_id": row[ID], "group": row[GROUP], "number": row[NUMBER],
            "starts_at": row[STARTS_AT], **_figures(list(row[COUNTS:]))}


def financial_year(column):
    """April to March: the year the financial year starts in (SQL, both databases)."""
    year = sa.cast(sa.extract("year", column), sa.Integer)
    month = sa.cast(sa.extract("month", column), sa.Integer)
    return sa.case((month < 4, year - 1), else_=year)


def _financial_year_of(moment):
    """The same as financial_year(), for a UTC moment already read (as SQL reads it: UTC)."""
    return moment.year - 1 if moment.month < 4 else moment.year


def by_financial_year(report_filter, sessions=None):
    """Per financial year, like Figure 1 of the evaluation: every mark of the sessions that
    started in it (attended, cancelled by the parent or the service, did not attend, with
    their shares) and the enrolments of the groups that started in it."""
    sessions = session_counts(report_filter) if sessions is None else sessions
    marks = {}
    for row in sessions:
        year = marks.setdefault(_financial_year_of(row[STARTS_AT]), [0] * len(STATUS_KEYS))
        for index, count in enumerate(row[COUNTS:]):
            year[index] += count
    enrolments = scoped_enrolments(report_filter).add_columns(
        financial_year(Group.first_session_at).label("year")).subquery()
    enrolled = dict(db.session.execute(
        sa.select(enrolments.c.year, sa.func.count()).group_by(enrolments.c.year)).all())
    years = sorted({int(y) for y in (*marks, *enrolled) if y is not None})
    rows = []
    for year in years:
        figures = _figures([int(count) for count in marks.get(year, [0] * len(STATUS_KEYS))])
        rows.append({"year": year, "label": f"{year}/{(year + 1) % 100:02d}",
                     "attended_sessions": figures["counts"][AttendanceStatus.ATTENDED.value],
                     "enrolments": int(enrolled.get(year, 0)), **figures})
    return rows


# The names `flask report --format json` gives each status in attendance_by_financial_year.
YEAR_NAMES = {AttendanceStatus.ATTENDED: "attended",
              AttendanceStatus.CANCELLED_BY_PARENT: "cancelled",
              AttendanceStatus.DID_NOT_ATTEND: "did_not_attend",
              AttendanceStatus.CANCELLED_BY_SERVICE: "service_cancelled"}


def financial_year_rows(years):
    """by_financial_year() as the JSON report's attendance_by_financial_year: counts, then each
    as a percentage of the year's marks."""
    rows = []
    for year in years:
        row = {"year": year["label"], "total": year["total"]}
        for status, name in YEAR_NAMES.items():
            row[name] = year["counts"][status.value]
        for status, name in YEAR_NAMES.items():
            share = year["proportions"][status.value]
            row[f"{name}_percent"] = None if share is None else 100 * share
        rows.append(row)
    return rows


def _due_sessions(report_filter):
    """Past sessions that went ahead with dyads enrolled (a register was due), and whether
    any mark was recorded."""
    marked = sa.select(Attendance.id).where(Attendance.session_id == GroupSession.id).exists()
    enrolled = sa.select(Enrolment.id).where(Enrolment.group_id == GroupSession.group_id,
                                             Enrolment.status.in_(COUNTED_ENROLMENTS))
    if report_filter.language:
        enrolled = (enrolled.join(Dyad, Dyad.id == Enrolment.dyad_id)
                    .join(Parent, Parent.id == Dyad.parent_id)
                    .where(*language_conditions(report_filter)))
    enrolled = enrolled.exists()
    due = [GroupSession.starts_at < utcnow(), GroupSession.status != SessionStatus.CANCELLED,
           enrolled, *group_conditions(report_filter),
           *date_conditions(GroupSession.starts_at, report_filter)]
    return due, ~marked


def registers_not_taken(report_filter, limit=None, page=1):
    """Past sessions that went ahead, with dyads enrolled, but not one mark recorded; `limit`
    of them a page, on page `page`, or all."""
    due, unmarked = _due_sessions(report_filter)
    past, total = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(sa.case((unmarked, 1),
                                                                         else_=0)), 0))
        .select_from(GroupSession).join(Group, Group.id == GroupSession.group_id)
        .where(*due)).one()
    shown = paging.page_of(total, page, limit) if limit else None
    rows = db.session.execute(
        sa.select(GroupSession.id, GroupSession.number, GroupSession.starts_at, Group.name)
        .join(Group, Group.id == GroupSession.group_id).where(*due, unmarked)
        .order_by(GroupSession.starts_at.desc(), GroupSession.id).limit(limit)
        .offset(shown.offset if shown else None)).all()
    found = {"count": int(total), "past_sessions": past,
             "proportion": total / past if past else None,
             "sessions": [{"session_id": r.id, "group": r.name, "number": r.number,
                           "starts_at": r.starts_at} for r in rows]}
    return {**found, "page": shown} if shown else found


def summary(report_filter, limit=None):
    """The whole attendance section, from one pass over the registers."""
    sessions = session_counts(report_filter)
    return {"overall": overall(report_filter, sessions),
            "per_group": per_group(report_filter, sessions),
            "per_session": per_session(report_filter, limit, sessions),
            "by_financial_year": by_financial_year(report_filter, sessions),
            "national_dna_range": list(NATIONAL_DNA_RANGE)}


def section_page(report_filter, pages):
    """The section as its page shows it: every figure, one page of each long table."""
    sessions = session_counts(report_filter)
    groups, groups_page = paging.sliced(per_group(report_filter, sessions), pages["groups"])
    shown, sessions_page = paging.sliced(sessions, pages["sessions"])
    years = by_financial_year(report_filter, sessions)
    return {"overall": overall(report_filter, sessions),
            "per_group": groups, "groups_page": groups_page,
            "per_session": [session_row(row) for row in shown], "sessions_page": sessions_page,
            "by_financial_year": years, "chart": charts.year_bars(years),
            "shares_chart": charts.year_shares(years, STATUS_KEYS),
            "national_dna_range": list(NATIONAL_DNA_RANGE)}
