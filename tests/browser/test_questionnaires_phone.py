"""A parent fills PRFQ on a 390x844 phone; the connection drops half-way; she comes back and
finds every answer the page said was saved."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from pairs_group.db import db
from pairs_group.questionnaires import service
from pairs_group.questionnaires.models import Answer
from tests.questionnaires_factories import family

pytestmark = pytest.mark.browser


def choose(page, item, value):
    target = f"item-{item}" if value == 1 else f"item-{item}-{value}"
    page.locator(f'label[for="{target}"]').click()


def wait_saved(page, item):
    page.locator(f'[data-status-for="{item}"]', has_text="Saved").wait_for()


def test_a_dropped_connection_loses_no_acknowledged_answer(live_server, live_app, phone,
                                                           screenshot):
    with live_app.app_context():
        parent, enrolment = family()
        link = service.link_url(parent).replace("http://localhost", live_server.url)
        dyad_id = enrolment.dyad_id
    page = phone
    page.goto(link)
    screenshot(page, "questionnaires-list")
    page.get_by_role("link", name="Thinking about your baby").click()
    screenshot(page, "questionnaires-why-we-ask")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Section 1 of 4").first).to_be_visible()
    for item, value in ((1, 2), (2, 6), (3, 7), (4, 1), (5, 4)):
        choose(page, item, value)
        wait_saved(page, item)
    screenshot(page, "questionnaires-section-1")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/section/2")
    for item, value in ((6, 5), (7, 3)):
        choose(page, item, value)
        wait_saved(page, item)
    page.context.set_offline(True)
    choose(page, 8, 4)
    page.locator('[data-status-for="8"]', has_text="Not saved yet").wait_for()
    screenshot(page, "questionnaires-offline")
    page.close()

    page = phone.context.new_page()
    phone.context.set_offline(False)
    page.goto(live_server.url + "/questionnaires/")
    page.get_by_role("link", name="Carry on").click()
    page.get_by_role("button", name="Carry on").click()
    page.wait_for_url("**/section/2")
    assert page.locator("#item-6-5").is_checked() and page.locator("#item-7-3").is_checked()
    screenshot(page, "questionnaires-resumed")
    with live_app.app_context():
        saved = {a.item_id: a.value for a in db.session.scalars(sa.select(Answer))}
    assert saved == {"1": 2, "2": 6, "3": 7, "4": 1, "5": 4, "6": 5, "7": 3}

    for item in range(8, 11):
        choose(page, item, 4)
    page.get_by_role("button", name="Continue").click()
    for number, items in ((3, range(11, 16)), (4, range(16, 19))):
        page.wait_for_url(f"**/section/{number}")
        for item in items:
            choose(page, item, 5)
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/review")
    screenshot(page, "questionnaires-review")
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_text("Your answers have been sent").wait_for()
    screenshot(page, "questionnaires-sent")
    with live_app.app_context():
        assert service.find_response(dyad_id, "prfq", "pre").is_submitted
