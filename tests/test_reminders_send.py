"""Reminders: due at each group's times in London, once each, never to the wrong person or at
night, rendered in her language when sent; `reminders send` and `reminders worker`."""

from datetime import date, time

import pytest
import sqlalchemy as sa

from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.db import db, utcnow
from pairs_group.groups.models import SessionStatus
from pairs_group.parents.consents import record_consent
from pairs_group.parents.models import ConsentKind, EnrolmentStatus
from pairs_group.reminders.service import due_reminders, set_offsets
from pairs_group.sms.models import MessageStatus, OutboxMessage
from pairs_group.sms.service import backend
from tests import factories

# A Tuesday-morning group: the first session is Tuesday 12 January 2027 at 10:00 (GMT).
FIRST_DAY = date(2027, 1, 12)
TWO_DAYS_BEFORE = "2027-01-10T10:05:00+00:00"


@pytest.fixture
def group(app):
    group = factories.make_group(first_day=FIRST_DAY, start_time=time(10, 0))
    db.session.flush()
    return group


def enrolled(group, language="en", **parent):
    dyad = factories.make_dyad(language=language, **parent)
    enrolment = factories.enrol(dyad, group)
    enrolment.enrolled_at = enrolment.created_at = utcnow().replace(year=2026, month=1)
    db.session.flush()
    return enrolment


def send(runner, *args):
    result = runner.invoke(args=["reminders", "send", *args])
    assert result.exit_code == 0, result.output
    return result.output


def sent_kinds():
    return [(m["kind"], m["language"]) for m in backend().sent]


def test_two_days_before_at_ten_each_parent_gets_one_reminder_in_her_language(group, runner):
    for language in ("pt", "es", "ar"):
        enrolled(group, language)
    db.session.commit()
    send(runner, "--now", TWO_DAYS_BEFORE)
    assert sorted(sent_kinds()) == [("reminder", "ar"), ("reminder", "es"), ("reminder", "pt")]
    bodies = {m["language"]: m["body"] for m in backend().sent}
    assert "enero" in bodies["es"] and "janeiro" in bodies["pt"] and "يناير" in bodies["ar"]
    assert all("10:00" in body for body in bodies.values())


def test_running_again_sends_nothing_new(group, runner):
    enrolled(group)
    db.session.commit()
    send(runner, "--now", TWO_DAYS_BEFORE)
    send(runner, "--now", TWO_DAYS_BEFORE)
    send(runner, "--now", "2027-01-10T12:00:00+00:00")
    assert len(backend().sent) == 1


@pytest.mark.quiet_hours
def test_at_eleven_at_night_nothing_is_sent(group, runner):
    enrolled(group)
    db.session.commit()
    output = send(runner, "--now", "2027-01-10T23:00:00+00:00")
    assert backend().sent == [] and "quiet hours" in output
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.status == MessageStatus.DEFERRED_QUIET_HOURS
    assert message.send_after.isoformat() == "2027-01-11T08:00:00+00:00"
    send(runner, "--now", "2027-01-11T08:05:00+00:00")
    assert sent_kinds() == [("reminder", "en")]


def test_on_the_day_at_half_past_eight_she_gets_the_second_reminder(group, runner):
    enrolled(group)
    db.session.commit()
    send(runner, "--now", TWO_DAYS_BEFORE)
    send(runner, "--now", "2027-01-12T08:29:00+00:00")
    assert len(backend().sent) == 1
    send(runner, "--now", "2027-01-12T08:31:00+00:00")
    assert len(backend().sent) == 2


def test_a_missed_run_sends_only_the_latest_reminder_not_a_burst(group, runner):
    enrolled(group)
    db.session.commit()
    send(runner, "--now", "2027-01-12T09:00:00+00:00")
    assert [m["key"].split(":")[1] for m in backend().sent] == ["0d0830"]


def test_the_dry_run_says_what_would_go_and_changes_nothing(group, runner):
    enrolled(group)
    db.session.commit()
    output = send(runner, "--now", TWO_DAYS_BEFORE, "--dry-run")
    assert "1 reminders would be queued" in output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_a_bad_now_is_a_clear_error(runner, app):
    result = runner.invoke(args=["reminders", "send", "--now", "next tuesday"])
    assert result.exit_code == 2 and "ISO time" in result.output


def test_no_reminder_for_a_cancelled_session(group, runner):
    enrolled(group)
    group.sessions[0].status = SessionStatus.CANCELLED
    db.session.commit()
    send(runner, "--now", TWO_DAYS_BEFORE)
    assert backend().sent == []


def test_no_reminder_for_a_session_that_has_started(group, runner):
    enrolled(group)
    db.session.commit()
    send(runner, "--now", "2027-01-12T10:01:00+00:00")
    assert backend().sent == []


@pytest.mark.parametrize("who", ["withdrew", "opted out", "said no to texts", "can't come",
                                 "joined late", "waiting list"])
def test_no_reminder_for_a_parent_who(group, runner, who):
    enrolment = enrolled(group)
    parent, session = enrolment.dyad.parent, group.sessions[0]
    if who == "withdrew":
        enrolment.status = EnrolmentStatus.WITHDRAWN
    elif who == "waiting list":
        enrolment.status = EnrolmentStatus.WAITING
    elif who == "opted out":
        parent.sms_opted_out_at = utcnow()
    elif who == "said no to texts":
        record_consent(parent, ConsentKind.SMS, False)
        parent.sms_opted_out_at = None
    elif who == "can't come":
        db.session.add(Attendance(enrolment=enrolment, session=session,
                                  status=AttendanceStatus.CANCELLED_BY_PARENT))
    elif who == "joined late":  # after the two-days-before reminder fell due
        enrolment.enrolled_at = enrolment.created_at = factories.utcnow().replace(
            year=2027, month=1, day=11)
    db.session.commit()
    send(runner, "--now", "2027-01-11T12:00:00+00:00")
    assert backend().sent == []


def test_she_joined_late_but_still_gets_the_reminder_on_the_day(group, runner):
    enrolment = enrolled(group)
    enrolment.enrolled_at = utcnow().replace(year=2027, month=1, day=11, hour=12)
    db.session.commit()
    send(runner, "--now", "2027-01-12T08:35:00+00:00")
    assert len(backend().sent) == 1


@pytest.mark.quiet_hours
def test_a_reminder_waiting_for_the_morning_is_dropped_if_she_says_she_cannot_come(group, runner):
    enrolment = enrolled(group)
    db.session.commit()
    send(runner, "--now", "2027-01-10T22:00:00+00:00")
    db.session.add(Attendance(enrolment=enrolment, session=group.sessions[0],
                              status=AttendanceStatus.CANCELLED_BY_PARENT))
    db.session.commit()
    send(runner, "--now", "2027-01-11T08:05:00+00:00")
    assert backend().sent == []
    assert db.session.scalar(sa.select(OutboxMessage.status)) == MessageStatus.SKIPPED_NOT_NEEDED


def test_each_group_has_its_own_reminder_times(group, runner):
    enrolled(group)
    set_offsets(group, [(1, time(18, 0))])
    db.session.commit()
    send(runner, "--now", TWO_DAYS_BEFORE)
    assert backend().sent == []
    send(runner, "--now", "2027-01-11T18:00:00+00:00")
    assert [m["key"].split(":")[1] for m in backend().sent] == ["1d1800"]


@pytest.mark.parametrize("first_day, due_utc, early_utc", [
    # Tuesday 30 March 2027: two days before is Sunday 28 March, the day clocks go forward.
    (date(2027, 3, 30), "2027-03-28T09:00:00+00:00", "2027-03-28T08:59:00+00:00"),
    # Tuesday 2 November 2027: two days before is Sunday 31 October, the day clocks go back.
    (date(2027, 11, 2), "2027-10-31T10:00:00+00:00", "2027-10-31T09:59:00+00:00"),
])
def test_reminders_keep_london_time_across_the_clock_changes(app, runner, time_machine,
                                                              first_day, due_utc, early_utc):
    group = factories.make_group(first_day=first_day, start_time=time(10, 0))
    db.session.flush()
    enrolled(group)
    db.session.commit()
    time_machine.move_to(early_utc, tick=False)
    send(runner)
    assert backend().sent == []
    time_machine.move_to(due_utc, tick=False)
    send(runner)
    assert len(backend().sent) == 1 and "10:00" in backend().sent[0]["body"]


def test_the_day_of_reminder_after_the_spring_change_is_at_half_past_eight_summer_time(app):
    from datetime import datetime

    group = factories.make_group(first_day=date(2027, 3, 28), start_time=time(10, 0))
    db.session.flush()
    enrolled(group)
    db.session.commit()
    def due_at(text):
        return [r.offset.label for r in due_reminders(datetime.fromisoformat(text))]

    assert due_at("2027-03-28T07:29:00+00:00") == ["2d1000"]  # 08:29 BST: still the earlier one
    assert due_at("2027-03-28T07:30:00+00:00") == ["0d0830"]


def test_the_worker_loops_a_bounded_number_of_times(group, runner, time_machine):
    enrolled(group)
    db.session.commit()
    time_machine.move_to(TWO_DAYS_BEFORE, tick=False)
    result = runner.invoke(args=["reminders", "worker", "--max-loops", "1", "--interval", "5"])
    assert result.exit_code == 0, result.output
    assert len(backend().sent) == 1


def test_a_big_run_shows_progress(group, runner):
    for _ in range(60):
        enrolled(group)
    db.session.commit()
    result = runner.invoke(args=["reminders", "send", "--now", TWO_DAYS_BEFORE])
    assert result.exit_code == 0 and "60 reminders queued" in result.output
    assert len(backend().sent) == 60
