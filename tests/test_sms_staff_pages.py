"""Staff pages for texts: the log and its filters, one parent's texts, replies, opt-outs,
wording with segments and cost; and the reminder times of each group."""

from datetime import time

import pytest
import sqlalchemy as sa

from pairs_group.audit.models import AuditEvent
from pairs_group.db import db, utcnow
from pairs_group.reminders.models import ReminderOffset
from pairs_group.sms.models import InboundMessage, MessageStatus
from pairs_group.sms.service import queue_sms
from tests import factories
from tests.pages import expect_redirect, get_page, post_form, post_page


@pytest.fixture
def texts(app):
    group = factories.make_group()
    dyad = factories.make_dyad(name="Ana Souza", language="pt")
    factories.enrol(dyad, group)
    db.session.flush()
    ok = queue_sms("reminder", "r:1", parent=dyad.parent, session=group.sessions[0], context={
        "starts_at": group.sessions[0].starts_at.isoformat(), "venue": "Stockwell",
        "session_id": group.sessions[0].id, "enrolment_id": 1})
    failed = queue_sms("sign_in_code", "c:1", parent=dyad.parent, context={"code": "1"})
    failed.status, failed.error_code = MessageStatus.FAILED, "21211"
    unknown = queue_sms("sign_in_code", "c:2", parent=dyad.parent, context={"code": "2"})
    unknown.status = MessageStatus.UNKNOWN
    db.session.add(InboundMessage(from_number=dyad.parent.mobile, parent_id=dyad.parent.id,
                                  body="Please stop texting me", possible_opt_out=True))
    db.session.commit()
    return {"group": group, "parent": dyad.parent, "ok": ok, "failed": failed}


def test_the_log_highlights_failed_and_unknown_texts(client, sign_in, texts):
    sign_in("admin")
    page = get_page(client, "sms.list_messages")
    assert page.shows("main p", "2 texts failed") and page.shows("tbody td", "Error 21211")
    assert len(page.select("tbody .nhsuk-tag--red")) >= 2 and page.shows("tbody tr", "Ana Souza")


def test_a_facilitator_sees_only_the_texts_of_her_groups_parents(client, sign_in, texts):
    sign_in("facilitator")
    page = get_page(client, "sms.list_messages")
    assert "Ana Souza" not in page.text_of("main") and page.shows("main p", "No texts match")


@pytest.mark.parametrize("query, shown", [
    ({"status": "failed"}, 1), ({"kind": "reminder"}, 1),
    ({"status": "unknown", "kind": "sign_in_code"}, 1), ({"status": "delivered"}, 0),
    ({"sent_from": "2000-01-01", "sent_to": "2100-01-01"}, 3),
])
def test_the_log_filters(client, sign_in, texts, query, shown):
    sign_in()
    page = get_page(client, "sms.list_messages", query=query)
    assert len(page.select("tbody tr")) == shown


def test_the_log_filters_by_group(client, sign_in, texts):
    sign_in()
    page = get_page(client, "sms.list_messages", group_id=texts["group"].id)
    assert len(page.select("tbody tr")) == 1


@pytest.mark.parametrize("query", [
    {"status": "nonsense"}, {"kind": "<script>"}, {"group_id": "99999999999999999999"},
    {"sent_from": "31/02/x"}, {"sent_from": "2027-02-01", "sent_to": "2027-01-01"},
    {"status": "x" * 5000},
])
def test_hostile_filters_get_a_clear_message_not_an_error(client, sign_in, texts, query):
    sign_in()
    page = get_page(client, "sms.list_messages", query=query)
    assert page.text_of(".nhsuk-error-summary h2") == "There is a problem"


def test_a_parents_history_is_shown_and_the_viewing_audited(client, sign_in, texts):
    sign_in()
    page = get_page(client, "sms.parent_history", parent_id=texts["parent"].id)
    assert page.shows("main", "Please stop texting me") and page.shows("tbody td", "Error 21211")
    assert db.session.scalar(sa.select(AuditEvent.action).where(
        AuditEvent.action == "sms.view_history"))
    get_page(client, "sms.parent_history", 404, parent_id=999999)


def test_the_inbox_flags_polite_opt_outs_and_can_be_cleared(client, sign_in, texts):
    sign_in()
    page = get_page(client, "sms.inbox")
    assert page.shows(".nhsuk-tag", "may want no more texts")
    reply = db.session.scalar(sa.select(InboundMessage))
    expect_redirect(post_form(client, "sms.review_reply", {}, reply_id=reply.id), "sms.inbox")
    assert get_page(client, "sms.inbox").shows("main p", "No replies to deal with")
    post_page(client, "sms.review_reply", {}, 404, reply_id=999999)


def test_the_opt_out_list(client, sign_in, texts):
    texts["parent"].sms_opted_out_at = utcnow()
    db.session.commit()
    sign_in()
    assert get_page(client, "sms.opt_outs").shows("main li a", "Ana Souza")


def test_staff_see_segments_and_cost_for_every_template(client, sign_in, app):
    sign_in()
    page = get_page(client, "sms.message_templates")
    kinds = page.texts("tbody td:first-child")
    for label in ("Session reminder", "Session moved", "Welcome", "Sign-in code",
                  "Discreet wording"):
        assert any(label in kind for kind in kinds), label
    assert "Too long" not in page.text_of("main")
    assert page.shows("tbody td", "UCS-2") and page.shows("tbody td", "GSM-7")


def test_evaluators_and_parents_cannot_see_texts(client, sign_in, app):
    sign_in("evaluator")
    get_page(client, "sms.list_messages", 403)


def test_staff_change_a_groups_reminder_times(client, sign_in, texts):
    sign_in()
    group = texts["group"]
    page = get_page(client, "reminders.edit_reminder_times", group_id=group.id)
    assert "10:00" in [field["value"] for field in page.select("input[name^=at_][value]")]
    response = post_form(client, "reminders.edit_reminder_times", {
        "days_1": "1", "at_1": "18:00", "days_2": "0", "at_2": "09:15"}, group_id=group.id)
    expect_redirect(response, "reminders.list_reminder_times")
    stored = db.session.execute(sa.select(ReminderOffset.days_before, ReminderOffset.at_time)
                                .order_by(ReminderOffset.days_before)).all()
    assert stored == [(0, time(9, 15)), (1, time(18, 0))]
    times = get_page(client, "reminders.list_reminder_times").texts("main li")
    assert "On the day at 09:15" in times


@pytest.mark.quiet_hours
def test_a_reminder_time_in_quiet_hours_says_when_it_really_goes(client, sign_in, texts):
    """Quiet hours are 21:00-08:00: 07:00 on the day waits until 08:00, and so does 22:00 the
    evening before; 09:15 goes when it says."""
    sign_in()
    response = post_form(client, "reminders.edit_reminder_times", {
        "days_1": "1", "at_1": "22:00", "days_2": "0", "at_2": "07:00", "days_3": "0",
        "at_3": "09:15"}, group_id=texts["group"].id)
    expect_redirect(response, "reminders.list_reminder_times")
    page = get_page(client, "reminders.list_reminder_times")
    assert page.texts("[role=status]") == [
        "Information: Reminder times saved.",
        "Information: A reminder time you chose is in quiet hours: that text waits until 08:00."]
    times = page.texts("main li li")
    assert "On the day at 07:00 Quiet hours: goes at 08:00" in times
    assert "1 day before at 22:00 Quiet hours: goes at 08:00" in times
    assert "On the day at 09:15" in times


@pytest.mark.parametrize("data, message", [
    ({"days_1": "", "at_1": ""}, "Enter at least one reminder time"),
    ({"days_1": "99", "at_1": "10:00"}, "from 0 to 14"),
    ({"days_1": "-1", "at_1": "10:00"}, "from 0 to 14"),
    ({"days_1": "two", "at_1": "10:00"}, "There is a problem"),
    ({"days_1": "1", "at_1": "25:99"}, "There is a problem"),
    ({"days_1": "1", "at_1": ""}, "Enter a time"),
    ({"days_1": "", "at_1": "10:00"}, "Enter how many days"),
])
def test_bad_reminder_times_are_explained_and_kept(client, sign_in, texts, data, message):
    sign_in()
    page = post_page(client, "reminders.edit_reminder_times", data, group_id=texts["group"].id)
    assert message in page.text_of(".nhsuk-error-summary") and page.title.startswith("Error")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReminderOffset)) == 0


def test_a_facilitator_changes_only_her_own_groups_times(client, sign_in, texts):
    sign_in("facilitator")
    get_page(client, "reminders.edit_reminder_times", 403, group_id=texts["group"].id)
    get_page(client, "reminders.edit_reminder_times", 404, group_id=999999)
