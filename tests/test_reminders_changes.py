"""A changed session texts every enrolled parent; "2" after a reminder means she can't come."""

from datetime import date, time

import pytest
import sqlalchemy as sa

from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.db import db, utcnow
from pairs_group.groups.models import GroupSession
from pairs_group.groups.service import cancel_session, move_session
from pairs_group.parents.models import EnrolmentStatus
from pairs_group.sms.models import InboundAction, InboundMessage, MessageStatus, OutboxMessage
from pairs_group.sms.service import backend, dispatch_due
from tests import factories
from tests.pages import expect_redirect, post_form
from tests.sms_factories import ACCOUNT_SID, AUTH_TOKEN, signed_post

FIRST_DAY = date(2027, 1, 12)  # Tuesday, 10:00 GMT


@pytest.fixture
def twilio_signed_app(make_app):
    app = make_app(TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN)
    with app.app_context():
        yield app


def a_group_with(languages, status=EnrolmentStatus.ENROLLED):
    group = factories.make_group(first_day=FIRST_DAY, start_time=time(10, 0))
    for language in languages:
        enrolment = factories.enrol(factories.make_dyad(language=language), group, status=status)
        enrolment.enrolled_at = utcnow().replace(year=2026)
    db.session.commit()
    return group


def test_staff_cancelling_a_session_texts_every_enrolled_parent_at_once(app, client, sign_in,
                                                                          time_machine):
    time_machine.move_to("2027-01-08T11:00:00+00:00", tick=False)
    group = a_group_with(["pl", "so"])
    factories.enrol(factories.make_dyad(), group, status=EnrolmentStatus.WITHDRAWN)
    db.session.commit()
    sign_in("admin")
    session = group.sessions[1]
    expect_redirect(post_form(client, "groups.cancel_session", {"note": "Room flooded"},
                              group_id=group.id, session_id=session.id),
                    "groups.show_group", group_id=group.id)
    assert sorted((m["kind"], m["language"]) for m in backend().sent) == [
        ("session_cancelled", "pl"), ("session_cancelled", "so")]


@pytest.mark.quiet_hours
def test_a_moved_session_far_off_waits_for_the_morning_at_night(app, time_machine):
    time_machine.move_to("2027-01-05T22:00:00+00:00", tick=False)
    group = a_group_with(["en"])
    move_session(group.sessions[0], date(2027, 1, 13), time(10, 0))
    db.session.commit()
    dispatch_due()
    assert backend().sent == []
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.kind == "session_moved" and message.status == MessageStatus.DEFERRED_QUIET_HOURS


@pytest.mark.quiet_hours
def test_a_change_within_twelve_hours_goes_even_at_night(app, time_machine):
    time_machine.move_to("2027-01-11T22:30:00+00:00", tick=False)
    group = a_group_with(["en"])
    cancel_session(group.sessions[0])
    db.session.commit()
    dispatch_due()
    assert [m["kind"] for m in backend().sent] == ["session_cancelled"]


@pytest.mark.quiet_hours
def test_a_pending_reminder_for_a_moved_session_is_not_sent(app, runner, time_machine):
    group = a_group_with(["en"])
    runner.invoke(args=["reminders", "send", "--now", "2027-01-10T22:00:00+00:00"])
    time_machine.move_to("2027-01-10T23:00:00+00:00", tick=False)
    move_session(db.session.get(GroupSession, group.sessions[0].id), date(2027, 1, 14),
                 time(10, 0))
    db.session.commit()
    time_machine.move_to("2027-01-11T08:05:00+00:00", tick=False)
    dispatch_due()
    assert [m["kind"] for m in backend().sent] == ["session_moved"]
    statuses = dict(db.session.execute(sa.select(OutboxMessage.kind, OutboxMessage.status)).all())
    assert statuses["reminder"] == MessageStatus.SKIPPED_NOT_NEEDED


def test_replying_2_after_a_reminder_marks_her_cancelled_by_parent(twilio_signed_app,
                                                                   time_machine):
    runner = twilio_signed_app.test_cli_runner()
    group = a_group_with(["pt"])
    time_machine.move_to("2027-01-10T10:05:00+00:00", tick=False)
    runner.invoke(args=["reminders", "send"])
    parent = db.session.scalar(sa.select(OutboxMessage)).to
    time_machine.move_to("2027-01-10T11:00:00+00:00", tick=False)
    response = signed_post(twilio_signed_app.test_client(), "/sms/twilio/inbound",
                           {"From": parent, "Body": " 2 ", "MessageSid": "SMreply"})
    assert response.status_code == 200
    mark = db.session.scalar(sa.select(Attendance))
    assert mark.status == AttendanceStatus.CANCELLED_BY_PARENT
    assert mark.session_id == group.sessions[0].id
    assert db.session.scalar(sa.select(InboundMessage.action)) == InboundAction.CANT_COME
    assert [(m["kind"], m["language"]) for m in backend().sent][-1] == ("cant_come_thanks", "pt")
    time_machine.move_to("2027-01-12T08:31:00+00:00", tick=False)
    runner.invoke(args=["reminders", "send"])
    assert [m["kind"] for m in backend().sent].count("reminder") == 1  # no day-of reminder


def test_2_without_a_recent_reminder_goes_to_the_staff_inbox(twilio_signed_app):
    dyad = factories.make_dyad()
    db.session.commit()
    signed_post(twilio_signed_app.test_client(), "/sms/twilio/inbound",
                {"From": dyad.parent.mobile, "Body": "2", "MessageSid": "SM2"})
    assert db.session.scalar(sa.select(InboundMessage.action)) == InboundAction.INBOX
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0



def move_through_the_staff_page(client, session, day):
    expect_redirect(post_form(client, "groups.move_session",
                              {"day": day, "at": "10:00", "venue_id": "0", "note": ""},
                              group_id=session.group_id, session_id=session.id),
                    "groups.show_group", group_id=session.group_id)


def test_a_session_moved_back_to_a_time_it_had_before_is_texted_each_time(app, client, sign_in,
                                                                          time_machine):
    time_machine.move_to("2027-01-02T11:00:00+00:00", tick=False)
    group = a_group_with(["en", "pt"])
    sign_in("admin")
    session = group.sessions[0]
    for day in ("2027-01-06", "2027-01-05", "2027-01-06"):
        move_through_the_staff_page(client, session, day)
    dispatch_due()
    sent = [m for m in backend().sent if m["kind"] == "session_moved"]
    assert sorted(m["language"] for m in sent) == ["en"] * 3 + ["pt"] * 3
    english = [m["body"] for m in sent if m["language"] == "en"]
    assert ["6 January" in body for body in english] == [True, False, True]
    assert "5 January" in english[1]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 6


def test_an_older_change_still_waiting_is_not_sent_after_a_newer_one(app, time_machine):
    time_machine.move_to("2027-01-02T11:00:00+00:00", tick=False)
    group = a_group_with(["en"])
    session = group.sessions[0]
    move_session(session, date(2027, 1, 6), time(10, 0))
    move_session(session, date(2027, 1, 5), time(10, 0))
    move_session(session, date(2027, 1, 6), time(10, 0))
    db.session.commit()
    dispatch_due()
    assert len(backend().sent) == 1 and "6 January" in backend().sent[0]["body"]
    statuses = db.session.scalars(sa.select(OutboxMessage.status).order_by(OutboxMessage.id))
    assert list(statuses) == [MessageStatus.SKIPPED_NOT_NEEDED] * 2 + [MessageStatus.SENT]


@pytest.mark.parametrize("reply", ["٢", "۲", "2️⃣", "two", "Two!", "dois", "Duas", "dos", "DWA",
                                   "dwie", "deux", "Laba", "اثنان", "إثنان", "اثنين"])
def test_two_in_any_script_or_in_words_after_a_reminder_means_she_cant_come(
        twilio_signed_app, time_machine, reply):
    runner = twilio_signed_app.test_cli_runner()
    group = a_group_with(["ar"])
    time_machine.move_to("2027-01-10T10:05:00+00:00", tick=False)
    runner.invoke(args=["reminders", "send"])
    parent = db.session.scalar(sa.select(OutboxMessage)).to
    time_machine.move_to("2027-01-10T11:00:00+00:00", tick=False)
    response = signed_post(twilio_signed_app.test_client(), "/sms/twilio/inbound",
                           {"From": parent, "Body": reply, "MessageSid": "SMwords"})
    assert response.status_code == 200
    assert db.session.scalar(sa.select(InboundMessage.action)) == InboundAction.CANT_COME
    mark = db.session.scalar(sa.select(Attendance))
    assert (mark.session_id, mark.status) == (group.sessions[0].id,
                                              AttendanceStatus.CANCELLED_BY_PARENT)


@pytest.mark.parametrize("reply", ["22", "twenty", "two weeks", "12"])
def test_other_numbers_and_sentences_still_go_to_the_staff_inbox(twilio_signed_app,
                                                                 time_machine, reply):
    runner = twilio_signed_app.test_cli_runner()
    a_group_with(["en"])
    time_machine.move_to("2027-01-10T10:05:00+00:00", tick=False)
    runner.invoke(args=["reminders", "send"])
    parent = db.session.scalar(sa.select(OutboxMessage)).to
    signed_post(twilio_signed_app.test_client(), "/sms/twilio/inbound",
                {"From": parent, "Body": reply, "MessageSid": "SMother"})
    assert db.session.scalar(sa.select(InboundMessage.action)) == InboundAction.INBOX
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0
