"""A facilitator on a phone (390 px) reads why a text failed and what to do, sends it again,
and marks a text whose outcome is unknown as checked; the texts pages never scroll sideways."""

import pytest
from playwright.sync_api import expect

from pairs_group.db import db
from pairs_group.sms.models import MessageStatus
from pairs_group.sms.service import queue_sms
from tests import factories
from tests.browser.test_sms_staff_phone import sign_in

pytestmark = pytest.mark.browser


# The widest things in the table's cells, to name what pushes the page wider.
WIDEST = """[...document.querySelectorAll('td *')].map(e => [
  Math.round(e.getBoundingClientRect().width), e.tagName + ' ' + e.textContent.trim().slice(0, 50)])
  .sort((a, b) => b[0] - a[0]).slice(0, 5)"""


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.evaluate(WIDEST)


def test_a_facilitator_acts_on_failed_texts_on_a_phone(live_server, live_app, phone,
                                                        screenshot):
    with live_app.app_context():
        staff = factories.make_staff("facilitator", email="fails@example.nhs.uk",
                                     name="Sam Facilitator", two_factor=True)
        group = factories.make_group(name="Together Time Stockwell", facilitators=[staff])
        dyad = factories.make_dyad(name="Ana Souza", language="pt")
        factories.enrol(dyad, group)
        db.session.flush()
        for key, status, code in (("failed", MessageStatus.FAILED, "30003"),
                                  ("unknown", MessageStatus.UNKNOWN, None)):
            message = queue_sms("help_reply", key, parent=dyad.parent,
                                context={"phone": "020 3228 0000"})
            message.status, message.error_code = status, code
        db.session.commit()
        secret, parent_id = staff.totp_secret, dyad.parent.id
    page = phone
    sign_in(page, live_server.url, "fails@example.nhs.uk", secret)
    page.goto(live_server.url + "/staff/texts/")
    expect(page.get_by_text("Her phone could not be reached")).to_be_visible()
    expect(page.get_by_text("got no answer")).to_be_visible()
    no_sideways_scroll(page)
    screenshot(page, "sms-staff-failures")
    page.get_by_role("button", name="Send again").click()
    expect(page.get_by_text("A new text is on its way")).to_be_visible()
    expect(page.get_by_role("link", name="Sent again: see the new text")).to_be_visible()
    page.get_by_role("button", name="Mark as checked").click()
    expect(page.get_by_text("Text marked as checked.")).to_be_visible()
    expect(page.get_by_text("Checked by Sam Facilitator")).to_be_visible()
    no_sideways_scroll(page)
    page.goto(live_server.url + f"/staff/texts/parents/{parent_id}")
    expect(page.get_by_text("Sent again by staff")).to_be_visible()
    no_sideways_scroll(page)
    screenshot(page, "sms-staff-failures-her-texts")
