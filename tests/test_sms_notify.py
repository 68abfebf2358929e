"""The GOV.UK Notify backend: one template per kind and language, personalisation, and
delivery statuses by polling."""

import pytest
from flask import current_app

from pairs_group.db import db
from pairs_group.sms.backends import NotifyBackend
from pairs_group.sms.models import MessageStatus
from pairs_group.sms.service import queue_sms, send_now
from tests import factories

TEMPLATES = {"sign_in_code:pt": "tpl-code-pt", "sign_in_code": "tpl-code-en"}


class FakeNotify:
    """Stands in for NotificationsAPIClient."""

    def __init__(self):
        self.sent, self.statuses = [], {}

    def send_sms_notification(self, phone_number, template_id, personalisation=None,
                              reference=None):
        self.sent.append((phone_number, template_id, personalisation, reference))
        return {"id": f"notify-{len(self.sent)}", "reference": reference}

    def get_notification_by_id(self, notification_id):
        return {"id": notification_id, "status": self.statuses.get(notification_id, "sending")}


@pytest.fixture
def notify(make_app):
    app = make_app(SMS_BACKEND="notify", NOTIFY_API_KEY="key", NOTIFY_TEMPLATES=TEMPLATES)
    with app.app_context():
        fake = FakeNotify()
        app.extensions["sms_backend"] = NotifyBackend("key", TEMPLATES, client=fake)
        yield fake


def a_code(language):
    dyad = factories.make_dyad(language=language)
    db.session.flush()
    return queue_sms("sign_in_code", f"code:{dyad.id}", parent=dyad.parent,
                     context={"code": "424242"})


def test_each_kind_and_language_uses_its_own_template_with_personalisation(notify):
    message = send_now(a_code("pt"))
    phone, template, personalisation, reference = notify.sent[0]
    assert (template, reference) == ("tpl-code-pt", message.idempotency_key)
    assert personalisation["code"] == "424242" and "424242" in personalisation["body"]
    assert message.provider_id == "notify-1" and message.status == MessageStatus.SENT


def test_a_language_without_its_own_template_uses_the_kinds_default(notify):
    send_now(a_code("so"))
    assert notify.sent[0][1] == "tpl-code-en"


def test_a_kind_without_any_template_fails_for_staff_to_see(notify):
    dyad = factories.make_dyad()
    db.session.flush()
    message = queue_sms("help_reply", "help", parent=dyad.parent, context={"phone": "1"})
    assert send_now(message).status == MessageStatus.FAILED
    assert message.error_code == "no-template"


def test_delivery_statuses_are_polled(notify):
    message = send_now(a_code("en"))
    notify.statuses[message.provider_id] = "delivered"
    result = current_app.test_cli_runner().invoke(args=["sms", "notify-poll"])
    assert result.exit_code == 0, result.output
    db.session.refresh(message)
    assert message.status == MessageStatus.DELIVERED
