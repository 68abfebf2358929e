"""Staff act on texts that did not go: the error in words (what it means, what to do) on the log
and her texts; send a failed text again (a new text, linked, once, screened like any other,
audited); mark an unknown one as checked (who and when, audited)."""

import pytest
import sqlalchemy as sa

from pairs_group.audit.models import AuditEvent
from pairs_group.db import db, utcnow
from pairs_group.sms.explain import EXPLANATIONS, GENERAL, explain
from pairs_group.sms.models import MessageStatus, OutboxMessage
from pairs_group.sms.service import dispatch_due, queue_sms, wait_for_hand_offs
from tests import factories
from tests.pages import expect_redirect, get_page, post_form
from tests.security_helpers import log_in


@pytest.fixture
def failures(app):
    """Ana (in a group no facilitator here runs): a reminder that failed on a bad number, one
    not delivered with a code nobody knows, a text whose outcome is unknown, a sign-in code."""
    group = factories.make_group()
    dyad = factories.make_dyad(name="Ana Souza", language="pt")
    enrolment = factories.enrol(dyad, group)
    db.session.flush()
    session = group.sessions[0]
    reminder = {"starts_at": session.starts_at.isoformat(), "venue": "Stockwell",
                "session_id": session.id, "enrolment_id": enrolment.id}
    rows = {}
    for key, status, code in (("failed", MessageStatus.FAILED, "21211"),
                              ("odd", MessageStatus.UNDELIVERED, "99999"),
                              ("unknown", MessageStatus.UNKNOWN, None)):
        rows[key] = queue_sms("reminder", f"r:{key}", parent=dyad.parent, session=session,
                              context=reminder)
        rows[key].status, rows[key].error_code = status, code
    rows["code"] = queue_sms("sign_in_code", "c:1", parent=dyad.parent, context={"code": "x"})
    rows["code"].status, rows["code"].error_code = MessageStatus.FAILED, "30003"
    db.session.commit()
    return {"group": group, "parent": dyad.parent, **rows}


def row(page, message):
    return page.select_one(f"#text-{message.id}")


def words(page, message):
    return " ".join(row(page, message).get_text(" ").split())


def test_each_error_is_explained_in_words_on_the_log_and_her_texts(client, sign_in, failures):
    sign_in()
    for page in (get_page(client, "sms.list_messages"),
                 get_page(client, "sms.parent_history", parent_id=failures["parent"].id)):
        failed = words(page, failures["failed"])
        assert "Error 21211" in failed and "This is not a valid phone number." in failed
        assert "What to do: Check her mobile number with her" in failed
        assert str(GENERAL.meaning) in words(page, failures["odd"])
        assert "got no answer" in words(page, failures["unknown"])


def test_notify_statuses_and_our_own_codes_are_explained(app):
    for code in ("permanent-failure", "temporary-failure", "technical-failure", "not-sent",
                 "21610", "21614", "21408", "30005", "30007", "429", "503"):
        message = OutboxMessage(status=MessageStatus.FAILED, error_code=code)
        assert explain(message) is EXPLANATIONS[code] and str(explain(message).to_do)
    assert explain(OutboxMessage(status=MessageStatus.DELIVERED)) is None


def test_a_failed_text_is_sent_again_as_a_new_linked_text(client, sign_in, failures):
    staff = sign_in()
    old = failures["failed"]
    response = post_form(client, "sms.resend_message", {"back": "parent"}, message_id=old.id)
    expect_redirect(response, "sms.parent_history", parent_id=failures["parent"].id)
    wait_for_hand_offs(client.application)
    db.session.expire_all()
    again = db.session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.resent_from_id == old.id))
    assert (again.kind, again.parent_id, again.session_id, again.context) == (
        old.kind, old.parent_id, old.session_id, old.context)
    assert again.status == MessageStatus.SENT and old.status == MessageStatus.FAILED
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "sms.resend"))
    assert event.target_id == str(old.id) and event.actor == staff.get_id()
    assert event.details == {"new_message_id": again.id}
    page = get_page(client, "sms.parent_history", parent_id=failures["parent"].id)
    link = row(page, old).select_one("a")
    assert link.get_text() == "Sent again: see the new text" and link["href"].endswith(
        f"#text-{again.id}")
    assert "Sent again by staff" in words(page, again)
    assert not row(page, old).select("form") and not row(page, old).select(".nhsuk-tag--red")


def test_a_text_is_sent_again_only_once(client, sign_in, failures):
    sign_in()
    old = failures["failed"]
    post_form(client, "sms.resend_message", {}, message_id=old.id)
    response = post_form(client, "sms.resend_message", {}, message_id=old.id)
    page = get_page(client, expect_redirect(response, "sms.list_messages"))
    assert page.shows("[role=status] p", "already been sent again")
    assert db.session.scalar(sa.select(sa.func.count()).where(
        OutboxMessage.resent_from_id == old.id)) == 1


def test_a_text_sent_again_is_screened_like_any_other(client, sign_in, failures):
    """She said stop since: the new text is queued, linked, and not sent."""
    sign_in()
    failures["parent"].sms_opted_out_at = utcnow()
    db.session.commit()
    post_form(client, "sms.resend_message", {}, message_id=failures["odd"].id)
    wait_for_hand_offs(client.application)
    dispatch_due()
    again = db.session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.resent_from_id == failures["odd"].id))
    assert again.status == MessageStatus.SKIPPED_OPTED_OUT


@pytest.mark.quiet_hours
def test_a_text_sent_again_at_night_waits_for_the_morning(client, sign_in, failures,
                                                          time_machine):
    time_machine.move_to("2027-01-12T23:30:00+00:00", tick=False)
    sign_in()
    post_form(client, "sms.resend_message", {}, message_id=failures["failed"].id)
    again = db.session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.resent_from_id == failures["failed"].id))
    assert again.status == MessageStatus.DEFERRED_QUIET_HOURS


@pytest.mark.parametrize("key, reason", [
    ("unknown", "Only a text that failed or was not delivered"),
    ("code", "never sent again: she can ask for a new code"),
])
def test_what_may_not_be_sent_again_is_refused_in_words(client, sign_in, failures, key,
                                                         reason):
    sign_in()
    page = get_page(client, "sms.list_messages")
    assert not row(page, failures[key]).select(
        f"form[action$='/{failures[key].id}/send-again']")
    response = post_form(client, "sms.resend_message", {}, message_id=failures[key].id)
    page = get_page(client, expect_redirect(response, "sms.list_messages"))
    assert page.shows("[role=status] p", reason)
    assert db.session.scalar(sa.select(sa.func.count()).where(
        OutboxMessage.resent_from_id.is_not(None))) == 0


def test_an_unknown_text_is_marked_checked_then_may_be_sent_again(client, sign_in, failures):
    staff = sign_in(name="Sam Lead")
    unknown = failures["unknown"]
    response = post_form(client, "sms.mark_checked", {"back": "parent"}, message_id=unknown.id)
    expect_redirect(response, "sms.parent_history", parent_id=failures["parent"].id)
    db.session.expire_all()
    assert unknown.checked_by_id == staff.id and unknown.checked_at is not None
    assert db.session.scalar(sa.select(AuditEvent.target_id).where(
        AuditEvent.action == "sms.mark_checked")) == str(unknown.id)
    page = get_page(client, "sms.list_messages")
    assert "Checked by Sam Lead on" in words(page, unknown)
    assert row(page, unknown).select(f"form[action$='/{unknown.id}/send-again']")
    assert page.shows("main p", "3 texts failed")  # four to check, less the one checked


def test_only_an_unknown_text_can_be_marked_checked(client, sign_in, failures):
    sign_in()
    response = post_form(client, "sms.mark_checked", {}, message_id=failures["failed"].id)
    page = get_page(client, expect_redirect(response, "sms.list_messages"))
    assert page.shows("[role=status] p", "Only a text whose outcome is unknown")
    assert db.session.get(OutboxMessage, failures["failed"].id).checked_at is None


def test_a_facilitator_acts_only_on_her_own_groups_parents_texts(client, sign_in, failures):
    facilitator = sign_in("facilitator")
    for endpoint in ("sms.resend_message", "sms.mark_checked"):
        assert post_form(client, endpoint, {}, message_id=failures["failed"].id
                         ).status_code == 403
        assert post_form(client, endpoint, {}, message_id=999999).status_code == 404
    failures["group"].facilitators.append(facilitator)
    db.session.commit()
    post_form(client, "sms.resend_message", {}, message_id=failures["failed"].id)
    assert db.session.scalar(sa.select(OutboxMessage.id).where(
        OutboxMessage.resent_from_id == failures["failed"].id))


def test_sending_again_needs_the_forms_csrf_token(make_app, failures):
    admin = factories.make_staff("admin")
    db.session.commit()
    client = log_in(make_app(WTF_CSRF_ENABLED=True).test_client(), admin)
    response = post_form(client, "sms.resend_message", {}, message_id=failures["failed"].id)
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).where(
        OutboxMessage.resent_from_id.is_not(None))) == 0


def test_a_text_blocked_at_the_carrier_is_not_offered_again(client, sign_in, failures):
    """21610: she replied STOP at her phone company; only her START opens texts again."""
    old = failures["failed"]
    old.error_code = "21610"
    db.session.commit()
    sign_in()
    page = get_page(client, "sms.list_messages")
    assert "replied STOP" in words(page, old) and not row(page, old).select("form")
    response = post_form(client, "sms.resend_message", {}, message_id=old.id)
    page = get_page(client, expect_redirect(response, "sms.list_messages"))
    assert page.shows("[role=status] p", "she can text START to our number")


def test_an_undelivered_text_without_a_code_gets_the_general_line(app):
    undelivered = OutboxMessage(status=MessageStatus.UNDELIVERED, error_code=None)
    assert explain(undelivered) is GENERAL
    assert explain(OutboxMessage(status=MessageStatus.FAILED)).meaning == (
        "We could not reach the text service.")


def test_a_notify_failure_is_kept_as_its_code_and_explained(make_app, failures):
    app = make_app(NOTIFY_CALLBACK_TOKEN="notify-secret")
    message = failures["failed"]
    message.status, message.error_code, message.provider_id = (
        MessageStatus.SENT, None, "5d8a6e1c-0000-4000-8000-000000000001")
    db.session.commit()
    response = app.test_client().post(
        "/sms/notify/status", headers={"Authorization": "Bearer notify-secret"},
        json={"id": message.provider_id, "status": "permanent-failure"})
    assert response.status_code == 200
    db.session.expire_all()
    assert (message.status, message.error_code) == (MessageStatus.FAILED, "permanent-failure")
    assert explain(message) is EXPLANATIONS["permanent-failure"]
