"""A facilitator on a phone looks at the texts log (failed ones stand out), a reply that may be
an opt-out, the wording and cost of each text, and changes a group's reminder times."""

import pyotp
import pytest
from playwright.sync_api import expect

from pairs_group.db import db
from pairs_group.sms.models import InboundMessage, MessageStatus
from pairs_group.sms.service import queue_sms
from tests import factories

pytestmark = pytest.mark.browser


def sign_in(page, url, email, secret):
    page.goto(url + "/staff/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(factories.STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


def test_staff_check_texts_and_change_reminder_times_on_a_phone(live_server, live_app, phone,
                                                                screenshot):
    with live_app.app_context():
        staff = factories.make_staff("admin", email="texts@example.nhs.uk")
        group = factories.make_group(name="Together Time Stockwell")
        dyad = factories.make_dyad(name="Ana Souza", language="pt")
        factories.enrol(dyad, group)
        db.session.flush()
        session = group.sessions[0]
        sent = queue_sms("reminder", "r:1", parent=dyad.parent, session=session, context={
            "starts_at": session.starts_at.isoformat(), "venue": "Stockwell Children's Centre",
            "session_id": session.id, "enrolment_id": 1})
        sent.status, sent.body, sent.segments, sent.encoding = (
            MessageStatus.DELIVERED, "Together Time: see you ter., 12 de janeiro at 10:00 at "
            "Stockwell Children's Centre. Reply 2 if you can't come.", 1, "GSM-7")
        failed = queue_sms("session_moved", "m:1", to="+447700900999", context={})
        failed.status, failed.error_code = MessageStatus.FAILED, "21211"
        db.session.add(InboundMessage(from_number=dyad.parent.mobile, parent_id=dyad.parent.id,
                                      body="Please stop texting me", possible_opt_out=True))
        db.session.commit()
        group_id, secret = group.id, staff.totp_secret
    page = phone
    sign_in(page, live_server.url, "texts@example.nhs.uk", secret)
    page.goto(live_server.url + "/staff/texts/")
    expect(page.get_by_text("Texts to check")).to_be_visible()
    expect(page.get_by_text("Error 21211")).to_be_visible()
    screenshot(page, "sms-staff-log")
    page.get_by_role("link", name="Replies from parents").click()
    expect(page.get_by_text("She may want no more texts")).to_be_visible()
    screenshot(page, "sms-staff-replies")
    page.goto(live_server.url + "/staff/texts/templates")
    assert page.get_by_text("Too long").count() == 0  # a long page: no full-page screenshot
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the text wording page is {width} px wide on a 390 px phone"
    page.goto(live_server.url + f"/staff/reminders/groups/{group_id}")
    page.get_by_label("Second reminder: time").fill("09:15")
    page.get_by_label("Third reminder: days before the session").fill("40")
    page.get_by_label("Third reminder: time").fill("12:00")
    page.get_by_role("button", name="Save reminder times").click()
    expect(page.get_by_text("Enter a number of days from 0 to 14").first).to_be_visible()
    screenshot(page, "sms-staff-reminder-times-error")
    page.get_by_label("Third reminder: days before the session").fill("")
    page.get_by_label("Third reminder: time").fill("")
    page.get_by_role("button", name="Save reminder times").click()
    expect(page.get_by_text("On the day at 09:15")).to_be_visible()
    screenshot(page, "sms-staff-reminder-times")
