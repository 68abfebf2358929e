"""The Twilio backend: the real twilio library, its HTTP client replaced, every request checked
against Twilio's OpenAPI description; errors sorted into retry, never-retry and unknown."""

import pytest
import requests

from pairs_group.db import db
from pairs_group.parents.models import Parent
from pairs_group.sms.models import MessageStatus
from pairs_group.sms.service import backend, dispatch_due, queue_sms, send_now
from tests import factories
from tests.sms_factories import (
    SERVICE_SID,
    FakeTwilioHttp,
    check_against_spec,
    twilio_error,
    twilio_settings,
)


@pytest.fixture
def twilio_app(make_app):
    FakeTwilioHttp.reset()
    app = make_app(**twilio_settings())
    with app.app_context():
        yield app


def a_code(key="code:1", **parent):
    dyad = factories.make_dyad(**parent)
    db.session.flush()
    return queue_sms("sign_in_code", key, parent=dyad.parent, context={"code": "123456"})


def test_a_text_goes_to_twilio_as_a_valid_create_message_request(twilio_app):
    message = send_now(a_code())
    sent = FakeTwilioHttp.requests[-1]
    assert message.status == MessageStatus.SENT and message.provider_id.startswith("SM")
    assert sent["To"] == message.to and "123456" in sent["Body"]
    assert sent["From"] == "+447700900000"
    assert sent["StatusCallback"] == "http://localhost/sms/twilio/status"


def test_a_messaging_service_is_used_instead_of_a_from_number_when_set(make_app):
    FakeTwilioHttp.reset()
    app = make_app(**twilio_settings(TWILIO_FROM_NUMBER="",
                                     TWILIO_MESSAGING_SERVICE_SID=SERVICE_SID))
    with app.app_context():
        send_now(a_code())
    assert FakeTwilioHttp.requests[-1]["MessagingServiceSid"] == SERVICE_SID
    assert "From" not in FakeTwilioHttp.requests[-1]


def test_twilio_without_a_sender_refuses_to_start(make_app):
    app = make_app(**twilio_settings(TWILIO_FROM_NUMBER=""))
    with app.app_context(), pytest.raises(ValueError, match="TWILIO_FROM_NUMBER"):
        backend()


def test_twilio_is_the_default_when_its_credentials_are_set(make_app):
    app = make_app(**twilio_settings(SMS_BACKEND=""))
    with app.app_context():
        assert backend().name == "twilio"
    with make_app(SMS_BACKEND="").app_context():
        assert backend().name == "console"


def test_the_real_client_can_be_pointed_at_a_local_mock(make_app):
    FakeTwilioHttp.reset(base_url="http://127.0.0.1:4010")
    app = make_app(**twilio_settings(TWILIO_API_BASE_URL="http://127.0.0.1:4010/"))
    with app.app_context():
        assert send_now(a_code()).status == MessageStatus.SENT
    assert len(FakeTwilioHttp.requests) == 1


@pytest.mark.parametrize("bad", [
    {"To": "+447700900101", "Body": "hi"},  # no sender
    {"To": "+447700900101", "From": "+447700900000"},  # no body
    {"Body": "hi", "From": "+447700900000"},  # no recipient
    {"To": "+447700900101", "Body": "hi", "From": "+4477", "StatusCallback": "not a url"},
])
def test_the_spec_check_catches_bad_requests(bad):
    url = "https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/" \
          "Messages.json"
    with pytest.raises(AssertionError):
        check_against_spec("POST", url, bad)


@pytest.mark.parametrize("code", [21211, 21614, 21610])
def test_a_permanent_error_is_recorded_for_staff_and_never_retried(twilio_app, code):
    FakeTwilioHttp.answers.append(twilio_error(400, code))
    message = send_now(a_code())
    assert message.status == MessageStatus.FAILED and message.error_code == str(code)
    assert dispatch_due().claimed == 0
    assert len(FakeTwilioHttp.requests) == 1


def test_unsubscribed_at_twilio_marks_her_number_blocked_at_the_carrier(twilio_app):
    FakeTwilioHttp.answers.append(twilio_error(400, 21610))
    message = send_now(a_code())
    parent = db.session.get(Parent, message.parent_id)
    assert parent.sms_carrier_blocked_at is not None  # tests/test_sms_carrier.py: the rest


def test_too_many_requests_is_retried_later_a_bounded_number_of_times(twilio_app, time_machine):
    time_machine.move_to("2027-01-12T12:00:00+00:00", tick=False)
    FakeTwilioHttp.answers.extend([twilio_error(429, 20429)] * 10)
    message = send_now(a_code())
    assert message.status == MessageStatus.PENDING and message.send_after > message.created_at
    for minutes in (5, 10, 20, 40, 80):
        time_machine.move_to(f"2027-01-12T{12 + minutes // 60}:{minutes % 60:02d}:00+00:00",
                             tick=False)
        dispatch_due()
    db.session.refresh(message)
    assert message.status == MessageStatus.FAILED and message.attempts == 4
    assert len(FakeTwilioHttp.requests) == 4


def test_a_server_error_then_success_sends_once(twilio_app, time_machine):
    time_machine.move_to("2027-01-12T12:00:00+00:00", tick=False)
    FakeTwilioHttp.answers.append(twilio_error(503, 20503))
    message = send_now(a_code())
    time_machine.move_to("2027-01-12T12:05:00+00:00", tick=False)
    dispatch_due()
    db.session.refresh(message)
    assert message.status == MessageStatus.SENT and message.attempts == 2


def test_a_timeout_before_connecting_is_retried(twilio_app):
    FakeTwilioHttp.answers.append(requests.exceptions.ConnectTimeout("no route"))
    assert send_now(a_code()).status == MessageStatus.PENDING


def test_a_lost_answer_is_unknown_and_never_retried_blind(twilio_app, time_machine):
    time_machine.move_to("2027-01-12T12:00:00+00:00", tick=False)
    FakeTwilioHttp.answers.append(requests.exceptions.ReadTimeout("read timed out"))
    message = send_now(a_code())
    assert message.status == MessageStatus.UNKNOWN
    time_machine.move_to("2027-01-12T13:00:00+00:00", tick=False)
    assert dispatch_due().claimed == 0
