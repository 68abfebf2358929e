"""The register's rules: who is expected, marking, versions, audit and service cancellations."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.attendance.service import (
    NotStartedYet,
    StaleAttendance,
    mark_attendance,
    mark_service_cancellation,
    register_for,
    todays_sessions,
)
from pairs_group.audit.models import AuditEvent
from pairs_group.db import db, utcnow
from pairs_group.groups.service import cancel_session
from pairs_group.parents.models import EnrolmentStatus
from pairs_group.parents.places import enrol_from_waiting_list
from tests import factories
from tests.attendance_factories import make_group_meeting_today

ATTENDED, DNA = AttendanceStatus.ATTENDED, AttendanceStatus.DID_NOT_ATTEND


def test_todays_sessions_are_her_groups_on_the_london_day(app):
    me = factories.make_staff("facilitator")
    admin = factories.make_staff("admin")
    mine = factories.make_group(first_day=date(2027, 6, 2), facilitators=[me])
    factories.make_group(first_day=date(2027, 6, 2), name="Someone else's")
    db.session.commit()
    just_after_midnight = datetime(2027, 6, 1, 23, 30, tzinfo=UTC)  # 00:30 on 2 June in London
    assert todays_sessions(me, just_after_midnight) == [mine.sessions[0]]
    assert len(todays_sessions(admin, just_after_midnight)) == 2
    assert todays_sessions(me, datetime(2027, 6, 1, 22, 30, tzinfo=UTC)) == []


def test_the_register_lists_who_is_expected_and_who_is_new(app):
    group, today, (a, b, c) = make_group_meeting_today(dyads=3)
    b.enrolled_at = today.starts_at - timedelta(days=3)  # joined since last week's session
    c.status, c.ended_at = EnrolmentStatus.WITHDRAWN, today.starts_at - timedelta(weeks=2)
    waiting = factories.enrol(factories.make_dyad(), group, status=EnrolmentStatus.WAITING)
    db.session.commit()
    rows = register_for(today)
    assert [r.family.id for r in rows] == [a.id, b.id]
    assert [r.family.name for r in rows] == [a.dyad.parent.name, b.dyad.parent.name]
    assert [r.is_new for r in rows] == [False, True]
    last_week = register_for(group.sessions[1])
    assert [r.family.id for r in last_week] == [a.id]
    assert waiting.id not in [r.family.id for r in rows]


def test_a_mark_is_stored_versioned_and_audited(app):
    me = factories.make_staff("facilitator")
    _group, session, (enrolment, *_rest) = make_group_meeting_today(facilitators=[me])
    first = mark_attendance(session, enrolment, "attended", me, 0)
    db.session.commit()
    assert (first.status, first.version, first.recorded_by) == (ATTENDED, 1, me)
    second = mark_attendance(session, enrolment, DNA, me, 1, reason="Came by mistake")
    db.session.commit()
    assert (second.status, second.version, second.reason) == (DNA, 2, "Came by mistake")
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "attendance.change").order_by(AuditEvent.id)).all()
    assert [e.details["after"]["status"] for e in events] == ["attended", "did_not_attend"]
    assert events[1].details["before"] == {"status": "attended", "reason": "", "version": 1}


def test_a_mark_made_on_an_old_version_is_refused(app):
    _group, session, (enrolment, *_rest) = make_group_meeting_today()
    mark_attendance(session, enrolment, ATTENDED, None, 0)
    db.session.commit()
    with pytest.raises(StaleAttendance) as caught:
        mark_attendance(session, enrolment, DNA, None, 0)
    assert caught.value.current.status == ATTENDED
    with pytest.raises(StaleAttendance):
        mark_attendance(session, enrolment, DNA, None, 7)


def test_marking_the_same_thing_again_changes_nothing(app):
    _group, session, (enrolment, *_rest) = make_group_meeting_today()
    mark_attendance(session, enrolment, ATTENDED, None, 0)
    again = mark_attendance(session, enrolment, ATTENDED, None, 1)
    assert again.version == 1


@pytest.mark.parametrize("status, reason", [
    ("came", ""), ("", ""), ("ATTENDED ", ""), ("attended", "x" * 501)])
def test_bad_marks_are_refused_before_anything_is_stored(app, status, reason):
    _group, session, (enrolment, *_rest) = make_group_meeting_today()
    with pytest.raises(ValueError):
        mark_attendance(session, enrolment, status, None, 0, reason=reason)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0


def test_an_enrolment_from_another_group_cannot_be_marked(app):
    _group, session, _enrolments = make_group_meeting_today()
    _other, _session, (stranger, *_rest) = make_group_meeting_today()
    with pytest.raises(ValueError):
        mark_attendance(session, stranger, ATTENDED, None, 0)


def test_cancelling_a_session_marks_everyone_cancelled_by_the_service(app):
    _group, session, enrolments = make_group_meeting_today(dyads=3)
    mark_attendance(session, enrolments[0], AttendanceStatus.CANCELLED_BY_PARENT, None, 0)
    db.session.commit()
    cancel_session(session, "The centre is closed")
    db.session.commit()
    marks = db.session.scalars(sa.select(Attendance.status).where(
        Attendance.session_id == session.id)).all()
    assert marks == [AttendanceStatus.CANCELLED_BY_SERVICE] * 3
    assert mark_service_cancellation(session) == 0  # already stored: nothing more to do



def test_a_family_given_a_place_after_a_cancel_is_cancelled_by_us_at_the_sessions_to_come(app):
    group, _today, _enrolments = make_group_meeting_today(dyads=2)
    last_week, next_week = group.sessions[1], group.sessions[3]
    waiting = factories.enrol(factories.make_dyad(), group, status=EnrolmentStatus.WAITING)
    db.session.commit()
    cancel_session(last_week, "Flooded")
    cancel_session(next_week, "Flooded")
    db.session.commit()
    enrol_from_waiting_list(waiting)
    db.session.commit()
    marked = {s.id: db.session.scalars(sa.select(Attendance.enrolment_id).where(
        Attendance.session_id == s.id)).all() for s in (last_week, next_week)}
    assert waiting.id in marked[next_week.id] and waiting.id not in marked[last_week.id]
    assert {row.stored_status for row in register_for(next_week)} == {
        AttendanceStatus.CANCELLED_BY_SERVICE}

def test_parents_apologies_are_on_the_register_already(app):
    _group, session, (enrolment, *_rest) = make_group_meeting_today()
    db.session.add(Attendance(enrolment=enrolment, session=session,
                              status=AttendanceStatus.CANCELLED_BY_PARENT))
    db.session.commit()
    row = next(r for r in register_for(session) if r.family.id == enrolment.id)
    assert row.status == AttendanceStatus.CANCELLED_BY_PARENT and row.version == 1


def other_connection(app):
    """A second app context: its own database session and connection, like a second phone."""
    return app.app_context()


def test_two_facilitators_saving_at_once_never_overwrite_each_other(app):
    _group, session, (enrolment, *_rest) = make_group_meeting_today()
    mark_attendance(session, enrolment, ATTENDED, None, 0)
    db.session.commit()
    ids = session.id, enrolment.id
    seen = db.session.get(Attendance, db.session.scalar(sa.select(Attendance.id)))
    assert seen.version == 1  # this phone has read version 1 ...
    with other_connection(app):  # ... and the other phone saves first
        s2 = db.session.get(type(session), ids[0])
        e2 = db.session.get(type(enrolment), ids[1])
        mark_attendance(s2, e2, AttendanceStatus.CANCELLED_BY_PARENT, None, 1)
        db.session.commit()
        db.session.remove()
    with pytest.raises(StaleAttendance) as caught:
        mark_attendance(session, enrolment, DNA, None, 1)
    db.session.rollback()
    assert caught.value.current.status == AttendanceStatus.CANCELLED_BY_PARENT
    assert db.session.scalar(sa.select(Attendance.status)) == AttendanceStatus.CANCELLED_BY_PARENT


def test_the_guarded_update_loses_cleanly_when_the_other_phone_wins_mid_save(app, monkeypatch):
    """The version check passes, then the other phone commits before our UPDATE runs."""
    from pairs_group.attendance import service

    _group, session, (enrolment, *_rest) = make_group_meeting_today()
    mark_attendance(session, enrolment, ATTENDED, None, 0)
    db.session.commit()
    ids = session.id, enrolment.id
    real_update = service.update_mark

    def other_phone_first(attendance, expected_version, values):
        monkeypatch.setattr(service, "update_mark", real_update)  # the other phone saves plainly
        with other_connection(app):
            s2 = db.session.get(type(session), ids[0])
            e2 = db.session.get(type(enrolment), ids[1])
            mark_attendance(s2, e2, AttendanceStatus.CANCELLED_BY_PARENT, None, 1)
            db.session.commit()
            db.session.remove()
        return real_update(attendance, expected_version, values)

    db.session.commit()  # our transaction starts after the other phone's, as on PostgreSQL
    monkeypatch.setattr(service, "update_mark", other_phone_first)
    with pytest.raises(StaleAttendance):
        mark_attendance(session, enrolment, DNA, None, 1)
    db.session.rollback()
    assert db.session.scalar(sa.select(Attendance.version)) == 2


def test_two_first_marks_at_once_keep_only_one(app, monkeypatch):
    from pairs_group.attendance import service

    _group, session, (enrolment, *_rest) = make_group_meeting_today()
    db.session.commit()
    ids = session.id, enrolment.id
    real_insert = service.insert_mark

    def other_phone_first(session_, enrolment_, values):
        monkeypatch.setattr(service, "insert_mark", real_insert)
        with other_connection(app):
            s2 = db.session.get(type(session), ids[0])
            e2 = db.session.get(type(enrolment), ids[1])
            mark_attendance(s2, e2, ATTENDED, None, 0)
            db.session.commit()
            db.session.remove()
        return real_insert(session_, enrolment_, values)

    monkeypatch.setattr(service, "insert_mark", other_phone_first)
    with pytest.raises(StaleAttendance) as caught:
        mark_attendance(session, enrolment, DNA, None, 0)
    db.session.rollback()
    assert caught.value.current.status == ATTENDED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 1


def test_no_session_today_gives_an_empty_today(app):
    me = factories.make_staff("facilitator")
    factories.make_group(first_day=date(2030, 1, 7), facilitators=[me])
    db.session.commit()
    assert todays_sessions(me, utcnow()) == []


def test_whether_she_came_is_recorded_only_once_the_session_has_started(app):
    group, _today, (a, b, c) = make_group_meeting_today(dyads=3)
    next_week = group.sessions[3]
    for enrolment, status in ((a, ATTENDED), (b, DNA)):
        with pytest.raises(NotStartedYet):
            mark_attendance(next_week, enrolment, status, None, 0)
    mark_attendance(next_week, c, AttendanceStatus.CANCELLED_BY_PARENT, None, 0)
    assert mark_service_cancellation(next_week) == 3  # c's apology becomes our cancellation
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 3
