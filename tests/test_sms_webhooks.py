"""Webhooks: Twilio's status callbacks and inbound texts (signed), Notify's receipts (token)."""

import pytest
import sqlalchemy as sa

from pairs_group.db import db, utcnow
from pairs_group.parents.models import Parent
from pairs_group.sms.inbound import normalise
from pairs_group.sms.models import (
    InboundAction,
    InboundMessage,
    MessageStatus,
    OptOutEvent,
    OutboxMessage,
)
from pairs_group.sms.service import backend, queue_sms, send_now
from tests import factories
from tests.conftest import count_rows
from tests.sms_factories import ACCOUNT_SID, AUTH_TOKEN, signed_post

STATUS = "/sms/twilio/status"
INBOUND = "/sms/twilio/inbound"


@pytest.fixture
def hooks(make_app):
    app = make_app(TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
                   NOTIFY_CALLBACK_TOKEN="notify-secret")
    with app.app_context():
        yield app.test_client()


def a_sent_text(language="en", **parent):
    dyad = factories.make_dyad(language=language, **parent)
    db.session.flush()
    message = queue_sms("sign_in_code", f"code:{dyad.id}", parent=dyad.parent,
                        context={"code": "1"})
    return send_now(message)


def status(client, message, value, **extra):
    return signed_post(client, STATUS, {"MessageSid": message.provider_id, "MessageStatus": value,
                                        "AccountSid": ACCOUNT_SID, "ApiVersion": "2010-04-01",
                                        **extra})


def text_from(client, parent_or_number, body, sid="SM1"):
    number = getattr(parent_or_number, "mobile", parent_or_number)
    return signed_post(client, INBOUND, {"From": number, "To": "+447700900000", "Body": body,
                                         "MessageSid": sid, "AccountSid": ACCOUNT_SID})


@pytest.mark.parametrize("path", [STATUS, INBOUND, "/sms/notify/status"])
def test_unsigned_posts_get_403_and_change_nothing(hooks, path):
    message = a_sent_text()
    response = hooks.post(path, data={"MessageSid": message.provider_id,
                                      "MessageStatus": "delivered", "From": message.to,
                                      "Body": "STOP"})
    assert response.status_code == 403
    db.session.refresh(message)
    assert message.status == MessageStatus.SENT and count_rows(InboundMessage) == 0


def test_a_wrong_signature_gets_403(hooks):
    message = a_sent_text()
    response = signed_post(hooks, STATUS, {"MessageSid": message.provider_id,
                                           "MessageStatus": "delivered"}, token="wrong")
    assert response.status_code == 403


def test_a_signature_for_other_values_gets_403(hooks):
    message = a_sent_text()
    from twilio.request_validator import RequestValidator

    signature = RequestValidator(AUTH_TOKEN).compute_signature(
        "http://localhost" + STATUS, {"MessageSid": message.provider_id, "MessageStatus": "sent"})
    response = hooks.post(STATUS, data={"MessageSid": message.provider_id,
                                        "MessageStatus": "failed"},
                          headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403


def test_a_status_callback_updates_the_text_and_accepts_unknown_fields(hooks):
    message = a_sent_text()
    response = status(hooks, message, "delivered", SomethingNew="yes", RawDlrDoneDate="2611261005")
    assert response.status_code == 200
    db.session.refresh(message)
    assert message.status == MessageStatus.DELIVERED


def test_a_late_callback_never_moves_a_final_status_backwards(hooks):
    message = a_sent_text()
    status(hooks, message, "delivered")
    status(hooks, message, "sent")
    status(hooks, message, "failed", ErrorCode="30003")
    db.session.refresh(message)
    assert message.status == MessageStatus.DELIVERED


def test_a_failed_delivery_keeps_its_error_code_for_staff(hooks):
    message = a_sent_text()
    status(hooks, message, "undelivered", ErrorCode="30005")
    db.session.refresh(message)
    assert (message.status, message.error_code) == (MessageStatus.UNDELIVERED, "30005")


def test_a_callback_for_an_unknown_text_is_ignored_with_200(hooks):
    response = signed_post(hooks, STATUS, {"MessageSid": "SM" + "9" * 32,
                                           "MessageStatus": "delivered"})
    assert response.status_code == 200


def test_behind_a_proxy_the_forwarded_url_is_trusted_only_when_configured(make_app):
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "pairs.example.nhs.uk"}
    data = {"MessageSid": "SMx", "MessageStatus": "sent"}
    for trusted, expected in ((True, 200), (False, 403)):
        app = make_app(TWILIO_AUTH_TOKEN=AUTH_TOKEN, TRUST_PROXY_HEADERS=trusted,
                       PUBLIC_BASE_URL="http://internal:8000")
        response = signed_post(app.test_client(), STATUS, data,
                               url_base="https://pairs.example.nhs.uk", headers=headers)
        assert response.status_code == expected


def test_the_public_url_is_used_to_check_signatures(make_app):
    app = make_app(TWILIO_AUTH_TOKEN=AUTH_TOKEN, PUBLIC_BASE_URL="https://pairs.example.nhs.uk/")
    response = signed_post(app.test_client(), STATUS + "?retry=1", {"MessageSid": "SMx"},
                           url_base="https://pairs.example.nhs.uk")
    assert response.status_code == 200


@pytest.mark.parametrize("word", ["STOP", "stop", " Stop! ", "UNSUBSCRIBE", "PARAR", "Baja",
                                  "arrêt", "STOPP", "Jooji", "WYPISZ", "توقف", "إلغاء"])
def test_stop_words_in_every_shipped_language_opt_her_out(hooks, word):
    dyad = factories.make_dyad()
    db.session.commit()
    assert text_from(hooks, dyad.parent, word).status_code == 200
    parent = db.session.get(Parent, dyad.parent_id)
    assert parent.sms_opted_out_at is not None
    event = db.session.scalar(sa.select(OptOutEvent))
    assert event.opted_out and event.source == "keyword"


@pytest.mark.parametrize("kind", ["welcome", "reminder", "session_moved", "help_reply"])
def test_after_stop_no_text_she_did_not_ask_for_goes(hooks, kind):
    from pairs_group.sms.messages import KINDS

    dyad = factories.make_dyad()
    db.session.commit()
    text_from(hooks, dyad.parent, "STOP")
    message = queue_sms(kind, "after-stop", parent=db.session.get(Parent, dyad.parent_id),
                        context=KINDS[kind].example)
    assert send_now(message).status == MessageStatus.SKIPPED_OPTED_OUT


def test_a_localised_stop_gets_a_confirmation_in_her_language(hooks):
    dyad = factories.make_dyad(language="pt")
    db.session.commit()
    text_from(hooks, dyad.parent, "PARAR")
    assert [sent["kind"] for sent in backend().sent] == ["opted_out"]
    assert backend().sent[0]["language"] == "pt"


def test_twilio_confirms_its_own_stop_words_so_we_do_not(hooks):
    dyad = factories.make_dyad()
    db.session.commit()
    text_from(hooks, dyad.parent, "STOP")
    assert backend().sent == []


def test_stop_please_is_not_a_keyword_but_is_flagged_for_staff(hooks):
    dyad = factories.make_dyad()
    db.session.commit()
    text_from(hooks, dyad.parent, "Please stop texting me")
    inbound = db.session.scalar(sa.select(InboundMessage))
    assert inbound.action == InboundAction.INBOX and inbound.possible_opt_out
    assert db.session.get(Parent, dyad.parent_id).sms_opted_out_at is None


def test_start_opts_her_back_in(hooks):
    dyad = factories.make_dyad(sms_opted_out_at=utcnow())
    db.session.commit()
    text_from(hooks, dyad.parent, "START")
    assert db.session.get(Parent, dyad.parent_id).sms_opted_out_at is None
    assert [e.opted_out for e in db.session.scalars(sa.select(OptOutEvent))] == [False]


def test_help_gets_a_short_reply_in_her_language(hooks):
    dyad = factories.make_dyad(language="es")
    db.session.commit()
    text_from(hooks, dyad.parent, "ayuda")
    assert backend().sent[0]["kind"] == "help_reply" and backend().sent[0]["language"] == "es"


def test_anything_else_lands_in_the_staff_inbox_with_the_parent_linked(hooks):
    dyad = factories.make_dyad()
    db.session.commit()
    text_from(hooks, dyad.parent, "Running 10 minutes late, sorry!")
    inbound = db.session.scalar(sa.select(InboundMessage))
    assert inbound.parent_id == dyad.parent_id and inbound.action == InboundAction.INBOX
    assert not inbound.possible_opt_out


def test_a_text_from_an_unknown_number_is_kept_for_staff(hooks):
    text_from(hooks, "+447700900999", "Hello, is this the baby group?")
    inbound = db.session.scalar(sa.select(InboundMessage))
    assert inbound.parent_id is None and inbound.action == InboundAction.INBOX


def test_a_retried_webhook_is_recorded_once(hooks):
    dyad = factories.make_dyad()
    db.session.commit()
    text_from(hooks, dyad.parent, "hello", sid="SMsame")
    text_from(hooks, dyad.parent, "hello", sid="SMsame")
    assert count_rows(InboundMessage) == 1


def test_normalising_drops_accents_case_and_punctuation():
    assert normalise(" arrêt! ") == "ARRET" and normalise("إلغاء") == "الغاء"


def test_notify_callbacks_need_the_bearer_token(hooks):
    message = a_sent_text()
    body = {"id": message.provider_id, "reference": message.idempotency_key,
            "status": "delivered", "to": message.to, "notification_type": "sms"}
    assert hooks.post("/sms/notify/status", json=body,
                      headers={"Authorization": "Bearer wrong"}).status_code == 403
    response = hooks.post("/sms/notify/status", json=body,
                          headers={"Authorization": "Bearer notify-secret"})
    assert response.status_code == 200
    assert db.session.get(OutboxMessage, message.id).status == MessageStatus.DELIVERED
