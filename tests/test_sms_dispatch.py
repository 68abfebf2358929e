"""The dispatcher: claim-then-send, quiet hours, language and discretion at send time,
opt-outs and consent, crashes and concurrency."""

import json
import threading

import pytest
import sqlalchemy as sa

from pairs_group.db import db, utcnow
from pairs_group.parents.consents import record_consent
from pairs_group.parents.models import ConsentKind, Parent
from pairs_group.sms.backends import SendError
from pairs_group.sms.models import MessageStatus, OutboxMessage
from pairs_group.sms.service import (
    backend,
    claim_batch,
    dispatch_due,
    queue_sms,
    quiet_until,
    send_now,
)
from tests import factories

WELCOME = {"name": "Ana", "starts_at": "2027-01-12T10:00:00+00:00", "venue": "Stockwell"}


def a_welcome(key="welcome:1", **parent):
    dyad = factories.make_dyad(**parent)
    db.session.flush()
    return queue_sms("welcome", key, parent=dyad.parent, context=WELCOME)


@pytest.mark.quiet_hours
def test_quiet_hours_are_nine_at_night_to_eight_in_the_morning_london_time(app):
    from datetime import datetime

    def at(text):
        return quiet_until(datetime.fromisoformat(text))

    assert at("2027-01-12T20:59:00+00:00") is None
    assert at("2027-01-12T21:00:00+00:00").isoformat() == "2027-01-13T08:00:00+00:00"
    assert at("2027-01-13T07:59:00+00:00").isoformat() == "2027-01-13T08:00:00+00:00"
    assert at("2027-01-13T08:00:00+00:00") is None
    # Summer time: 21:00 in London is 20:00 UTC; the morning is 07:00 UTC.
    assert at("2027-07-12T20:00:00+00:00").isoformat() == "2027-07-13T07:00:00+00:00"
    assert at("2027-07-12T19:59:00+00:00") is None


@pytest.mark.quiet_hours
def test_quiet_hours_follow_the_clock_change_in_march(app):
    from datetime import datetime

    # Saturday night 27 March 2027 (GMT) -> Sunday morning 28 March (BST): 08:00 BST = 07:00 UTC.
    morning = quiet_until(datetime.fromisoformat("2027-03-27T22:30:00+00:00"))
    assert morning.isoformat() == "2027-03-28T07:00:00+00:00"


@pytest.mark.quiet_hours
def test_quiet_hours_follow_the_clock_change_in_october(app):
    from datetime import datetime

    # Saturday night 30 October 2027 (BST) -> Sunday 31 October (GMT): 08:00 GMT = 08:00 UTC.
    morning = quiet_until(datetime.fromisoformat("2027-10-30T20:30:00+00:00"))
    assert morning.isoformat() == "2027-10-31T08:00:00+00:00"


def test_quiet_hours_are_configurable_and_can_be_turned_off(make_app):
    from datetime import datetime

    moment = datetime.fromisoformat("2027-01-12T22:00:00+00:00")
    with make_app(SMS_QUIET_HOURS="22:30-07:00").app_context():
        assert quiet_until(moment) is None
    with make_app(SMS_QUIET_HOURS="").app_context():
        assert quiet_until(moment) is None


@pytest.mark.quiet_hours
def test_a_text_queued_at_night_waits_for_the_morning(app, time_machine):
    time_machine.move_to("2027-01-12T23:00:00+00:00", tick=False)
    message = a_welcome()
    assert message.status == MessageStatus.DEFERRED_QUIET_HOURS
    assert send_now(message).status == MessageStatus.DEFERRED_QUIET_HOURS
    assert dispatch_due().claimed == 0 and backend().sent == []
    time_machine.move_to("2027-01-13T08:01:00+00:00", tick=False)
    assert dispatch_due().claimed == 1
    assert backend().sent[0]["kind"] == "welcome"


@pytest.mark.quiet_hours
def test_a_due_text_is_held_at_night_but_a_sign_in_code_goes(app, time_machine):
    time_machine.move_to("2027-01-12T20:00:00+00:00", tick=False)
    message = a_welcome()
    db.session.commit()
    time_machine.move_to("2027-01-12T21:30:00+00:00", tick=False)
    code = queue_sms("sign_in_code", "code:night", parent=db.session.get(
        Parent, message.parent_id), context={"code": "111111"})
    db.session.commit()
    report = dispatch_due()
    assert report.deferred == 1 and report.claimed == 1
    assert [sent["kind"] for sent in backend().sent] == ["sign_in_code"]
    assert db.session.get(OutboxMessage, code.id).status == MessageStatus.SENT


def test_the_text_is_written_in_her_language_when_it_is_sent_not_when_queued(app):
    message = a_welcome(language="en")
    db.session.commit()
    db.session.get(Parent, message.parent_id).language = "pl"
    db.session.commit()
    dispatch_due()
    sent = backend().sent[0]
    assert sent["language"] == "pl" and "stycznia" in sent["body"]  # January, in Polish


def test_discreet_texts_name_no_service(app):
    message = a_welcome(discreet_sms=True)
    send_now(message)
    assert "Together Time" not in message.body and "Stockwell" in message.body


def test_nothing_is_sent_to_a_parent_who_opted_out(app):
    message = a_welcome(sms_opted_out_at=utcnow())
    assert send_now(message).status == MessageStatus.SKIPPED_OPTED_OUT
    assert backend().sent == []


def test_nothing_is_sent_to_a_parent_who_said_no_to_texts(app):
    dyad = factories.make_dyad()
    db.session.flush()
    record_consent(dyad.parent, ConsentKind.SMS, False)
    dyad.parent.sms_opted_out_at = None  # the consent answer alone must stop it
    message = queue_sms("welcome", "w", parent=dyad.parent, context=WELCOME)
    assert send_now(message).status == MessageStatus.SKIPPED_NO_CONSENT


def test_a_parent_never_asked_about_texts_needs_a_record_when_configured(make_app):
    with make_app(SMS_REQUIRE_CONSENT_RECORD=True).app_context():
        assert send_now(a_welcome()).status == MessageStatus.SKIPPED_NO_CONSENT
        code = queue_sms("sign_in_code", "code", to="+447700900999", context={"code": "1"})
        assert send_now(code).status == MessageStatus.SENT  # she asked for it just now


def test_a_crash_after_claiming_leaves_the_text_unknown_not_resent(app, time_machine):
    time_machine.move_to("2027-01-12T12:00:00+00:00", tick=False)
    a_welcome()
    db.session.commit()
    assert len(claim_batch(utcnow(), 10)) == 1  # ... and then the process dies
    time_machine.move_to("2027-01-12T12:30:00+00:00", tick=False)
    report = dispatch_due()
    assert report.expired == 1 and report.claimed == 0 and backend().sent == []
    status = db.session.scalar(sa.select(OutboxMessage.status))
    assert status == MessageStatus.UNKNOWN


def test_a_broken_template_fails_that_text_only(app):
    dyad = factories.make_dyad()
    db.session.flush()
    queue_sms("welcome", "broken", parent=dyad.parent, context={"name": "x"})
    queue_sms("sign_in_code", "fine", parent=dyad.parent, context={"code": "1"})
    db.session.commit()
    report = dispatch_due()
    assert report.statuses == {"failed": 1, "sent": 1}


def test_a_transient_error_from_any_backend_is_retried(app):
    backend().fail_with.append(SendError("busy", code=429))
    assert send_now(a_welcome()).status == MessageStatus.PENDING


def test_many_texts_go_through_a_bounded_pool_each_exactly_once(app):
    for n in range(60):
        a_welcome(key=f"welcome:{n}")
    db.session.commit()
    seen, lock, original = set(), threading.Lock(), backend().send

    def send(message):
        with lock:
            seen.add(threading.current_thread().name)
        return original(message)

    backend().send = send
    report = dispatch_due(workers=4)
    assert report.claimed == 60 and report.statuses == {"sent": 60}
    assert len(backend().sent) == 60 == len({sent["key"] for sent in backend().sent})
    assert 1 < len(seen) <= 4


def test_two_dispatchers_at_once_on_sqlite_send_each_text_once(app):
    for n in range(40):
        a_welcome(key=f"welcome:{n}")
    db.session.commit()
    flask_app = app

    def run():
        with flask_app.app_context():
            dispatch_due(workers=2)
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    keys = [sent["key"] for sent in backend().sent]
    assert len(keys) == 40 == len(set(keys))


def test_the_console_backend_writes_every_field_the_outbox_file_needs(make_app, tmp_path):
    outbox = tmp_path / "outbox.jsonl"
    with make_app(SMS_BACKEND="console", SMS_OUTBOX_FILE=str(outbox)).app_context():
        send_now(a_welcome())
    record = json.loads(outbox.read_text().splitlines()[0])
    assert {"to", "body", "kind", "language", "segments", "encoding", "session_id",
            "created_at"} <= set(record)
    assert record["created_at"].endswith("+00:00")
