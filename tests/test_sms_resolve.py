"""Texts whose answer was lost ("unknown") are settled by asking the provider before staff have
to: Twilio through the real library (its HTTP layer replaced, every fetch and list checked
against Twilio's OpenAPI description), Notify through a fake of its client. What the provider
says went is recorded, what it never got becomes a failure staff may send again, and what it
cannot say stays unknown. Nothing is ever sent again by this."""

from datetime import UTC, datetime, timedelta

import pytest
import requests
import sqlalchemy as sa
from flask import current_app
from notifications_python_client.errors import HTTPError

from pairs_group.audit.models import AuditEvent
from pairs_group.db import db
from pairs_group.parents.models import Parent
from pairs_group.sms.backends import NotifyBackend
from pairs_group.sms.messages import HIDDEN
from pairs_group.sms.models import MessageStatus
from pairs_group.sms.resolve import resolve_unknown
from pairs_group.sms.service import dispatch_due, queue_sms, send_now
from tests import factories
from tests.sms_factories import FakeTwilioHttp, message_resource, twilio_settings

CLAIMED = datetime(2027, 1, 12, 12, 0, tzinfo=UTC)
LATER = CLAIMED + timedelta(minutes=30)


@pytest.fixture
def twilio_app(make_app, time_machine):
    time_machine.move_to(CLAIMED, tick=False)
    FakeTwilioHttp.reset()
    app = make_app(**twilio_settings())
    with app.app_context():
        yield app


WELCOME = {"name": "Ana", "starts_at": "2027-01-19T10:00:00+00:00", "venue": "Stockwell"}


def a_lost_text(key="w:1", body=None, kind="welcome", context=None):
    """A text the sender claimed at noon whose answer never came."""
    dyad = factories.make_dyad()
    db.session.flush()
    message = queue_sms(kind, key, parent=dyad.parent, context=context or WELCOME)
    message.status, message.claimed_at, message.attempts = MessageStatus.UNKNOWN, CLAIMED, 1
    message.body = body or ""
    db.session.commit()
    return message


def twilio_has(message, body=None, minutes=1, **details):
    """A text Twilio says it sent to her, a minute after the claim unless told."""
    sid = f"SM{len(FakeTwilioHttp.sent) + 1:032x}"
    return FakeTwilioHttp.keep(message_resource(
        {"To": message.to, "Body": body or message.body, "From": "+447700900000"}, sid,
        sent_at=CLAIMED + timedelta(minutes=minutes), **details))


def settle(time_machine, when=LATER):
    time_machine.move_to(when, tick=False)
    found = resolve_unknown()
    db.session.expire_all()
    return found


def test_a_text_twilio_sent_is_recorded_with_its_sid_and_status(twilio_app, time_machine):
    message = a_lost_text(body="Your reminder: Tuesday at 10:00, Stockwell.")
    twilio_has(message, body="Someone else's words", minutes=3)
    kept = twilio_has(message, status="delivered")
    assert settle(time_machine)["sent"] == 1
    assert (message.status, message.provider_id) == (MessageStatus.DELIVERED, kept["sid"])
    name, query = FakeTwilioHttp.look_ups[-1]
    assert name == "list" and query["To"] == message.to
    assert query["DateSent>"] == "2027-01-12T11:58:00Z"  # the claim, less a clock margin
    assert FakeTwilioHttp.requests == []  # asked, never sent again


def test_the_words_are_written_again_when_the_sender_died_before_keeping_them(
        twilio_app, time_machine):
    message = a_lost_text()
    sent = twilio_has(message, body="Welcome to Together Time, Ana! First session: Tuesday "
                                    "19 January at 10:00, Stockwell. Reply STOP to stop texts.")
    settle(time_machine)
    assert message.status == MessageStatus.SENT and message.provider_id == sent["sid"]
    assert message.body == sent["body"]


def test_a_text_twilio_never_got_becomes_a_failure_staff_may_send_again(
        twilio_app, time_machine):
    message = a_lost_text(body="Your reminder: Tuesday at 10:00, Stockwell.")
    twilio_has(message, body="A different text to her")
    assert settle(time_machine)["not sent"] == 1
    assert (message.status, message.error_code) == (MessageStatus.FAILED, "not-sent")
    assert db.session.scalar(sa.select(AuditEvent.details).where(
        AuditEvent.action == "sms.resolve_unknown")) == {"found": "not sent"}
    assert dispatch_due(now=LATER).claimed == 0  # failed, not queued: staff decide


def test_words_written_again_that_match_nothing_leave_it_to_staff(twilio_app, time_machine):
    """Her language or wording may have changed since: another text to her proves nothing."""
    message = a_lost_text()
    twilio_has(message, body="Some other text")
    assert settle(time_machine)["unknown"] == 1
    assert message.status == MessageStatus.UNKNOWN


def test_a_text_with_a_sid_is_fetched_by_it(twilio_app, time_machine):
    message = a_lost_text(body="Hello")
    kept = twilio_has(message, status="undelivered", error_code=30003)
    message.provider_id = kept["sid"]
    db.session.commit()
    settle(time_machine)
    assert FakeTwilioHttp.look_ups == [("fetch", {})]
    assert (message.status, message.error_code) == (MessageStatus.UNDELIVERED, "30003")


def test_a_text_found_blocked_at_the_carrier_records_the_block(twilio_app, time_machine):
    """Twilio says it failed with 21610: her number is blocked at the carrier, as a send that
    failed with 21610 records it (and no more texts are tried only to fail)."""
    message = a_lost_text(body="Hello")
    kept = twilio_has(message, status="failed", error_code=21610)
    message.provider_id = kept["sid"]
    db.session.commit()
    settle(time_machine)
    assert (message.status, message.error_code) == (MessageStatus.FAILED, "21610")
    assert db.session.get(Parent, message.parent_id).sms_carrier_blocked_at is not None


def test_a_secret_text_is_settled_only_when_nothing_at_all_went_to_her(
        twilio_app, time_machine):
    code = a_lost_text(key="c:1", body=HIDDEN, kind="sign_in_code", context={"code": HIDDEN})
    other = a_lost_text(key="c:2", body=HIDDEN, kind="sign_in_code", context={"code": HIDDEN})
    twilio_has(other, body="Your code is 123456")
    found = settle(time_machine)
    assert (found["not sent"], found["unknown"]) == (1, 1)
    assert (code.status, other.status) == (MessageStatus.FAILED, MessageStatus.UNKNOWN)


@pytest.mark.parametrize("trouble", [
    (500, {"code": 20500, "message": "Internal error", "status": 500}),
    (429, {"code": 20429, "message": "Too many requests", "status": 429}),
    requests.exceptions.ConnectionError("Connection refused"),
    requests.exceptions.ReadTimeout("read timed out"),
])
def test_when_twilio_cannot_be_asked_the_text_stays_unknown(twilio_app, time_machine, trouble):
    message = a_lost_text(body="Hello")
    FakeTwilioHttp.answers.append(trouble)
    assert settle(time_machine)["unknown"] == 1
    assert message.status == MessageStatus.UNKNOWN and message.error_code is None


def test_a_text_is_asked_about_only_once_it_had_time_to_go(twilio_app, time_machine):
    a_lost_text(body="Hello")
    assert sum(settle(time_machine, CLAIMED + timedelta(minutes=5)).values()) == 0
    assert sum(settle(time_machine, CLAIMED + timedelta(days=4)).values()) == 0
    assert FakeTwilioHttp.look_ups == []


def test_a_text_lost_by_a_real_send_is_settled_by_the_command(twilio_app, time_machine):
    """End to end: the answer to a real send is lost, then `flask sms resolve-unknown` finds it
    at Twilio (it did go) and records its sid; nothing is sent twice."""
    dyad = factories.make_dyad()
    db.session.flush()
    message = queue_sms("help_reply", "help:1", parent=dyad.parent, context={"phone": "020"})
    db.session.commit()
    FakeTwilioHttp.answers.append(requests.exceptions.ReadTimeout("read timed out"))
    send_now(message)
    assert message.status == MessageStatus.UNKNOWN
    twilio_has(message, body=message.body)  # it did reach Twilio
    time_machine.move_to(LATER, tick=False)
    result = current_app.test_cli_runner().invoke(args=["sms", "resolve-unknown"])
    assert result.exit_code == 0, result.output
    assert "sent 1, never sent 0, still unknown 0" in result.output
    db.session.refresh(message)
    assert message.status == MessageStatus.SENT and message.provider_id.startswith("SM")
    assert len(FakeTwilioHttp.requests) == 1


def test_run_due_asks_about_unknown_texts(twilio_app, time_machine):
    a_lost_text(body="Hello")
    time_machine.move_to(LATER, tick=False)
    result = current_app.test_cli_runner().invoke(args=["run-due"])
    assert "== sms resolve-unknown" in result.output
    assert "never sent 1" in result.output


def test_the_console_has_nobody_to_ask(app, time_machine):
    time_machine.move_to(CLAIMED, tick=False)
    message = a_lost_text(body="Hello")
    assert sum(settle(time_machine).values()) == 0 and message.status == MessageStatus.UNKNOWN


# --- GOV.UK Notify -----------------------------------------------------------------------------

class FakeNotify:
    """Stands in for NotificationsAPIClient: the notifications it has, by reference and id."""

    def __init__(self):
        self.notifications, self.fail_with, self.asked = [], None, []

    def get_all_notifications(self, status=None, template_type=None, reference=None,
                              older_than=None, include_jobs=None):
        self.asked.append(("reference", reference))
        if self.fail_with:
            raise self.fail_with
        return {"notifications": [n for n in self.notifications if n["reference"] == reference],
                "links": {}}

    def get_notification_by_id(self, notification_id):
        self.asked.append(("id", notification_id))
        if self.fail_with:
            raise self.fail_with
        return next(n for n in self.notifications if n["id"] == notification_id)


@pytest.fixture
def notify(make_app, time_machine):
    time_machine.move_to(CLAIMED, tick=False)
    app = make_app(SMS_BACKEND="notify", NOTIFY_API_KEY="key", NOTIFY_TEMPLATES={"welcome": "t"})
    with app.app_context():
        fake = FakeNotify()
        app.extensions["sms_backend"] = NotifyBackend("key", {"welcome": "t"}, client=fake)
        yield fake


def test_notify_is_asked_by_reference_and_what_it_has_is_recorded(notify, time_machine):
    message = a_lost_text(body="Hello")
    notify.notifications.append({"id": "n-1", "reference": message.idempotency_key,
                                 "status": "temporary-failure", "body": "Hello"})
    settle(time_machine)
    assert notify.asked == [("reference", message.idempotency_key)]
    assert (message.status, message.provider_id, message.error_code) == (
        MessageStatus.UNDELIVERED, "n-1", "temporary-failure")


def test_a_text_notify_never_got_becomes_a_failure(notify, time_machine):
    message = a_lost_text(body="Hello")
    settle(time_machine)
    assert (message.status, message.error_code) == (MessageStatus.FAILED, "not-sent")


def test_notify_is_asked_by_id_when_we_have_one(notify, time_machine):
    message = a_lost_text(body="Hello")
    message.provider_id = "n-7"
    db.session.commit()
    notify.notifications.append({"id": "n-7", "reference": "x", "status": "delivered"})
    settle(time_machine)
    assert notify.asked == [("id", "n-7")] and message.status == MessageStatus.DELIVERED


@pytest.mark.parametrize("trouble", [HTTPError(message="Request failed"),
                                     requests.exceptions.ConnectionError("refused")])
def test_when_notify_cannot_be_asked_the_text_stays_unknown(notify, time_machine, trouble):
    message = a_lost_text(body="Hello")
    notify.fail_with = trouble
    assert settle(time_machine)["unknown"] == 1 and message.status == MessageStatus.UNKNOWN
