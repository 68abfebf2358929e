"""An admin on a phone lowers a full group's places and takes a facilitator off: the check page
says what saving will do, fits the 390 px screen, and nothing is saved until she presses Save."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from pairs_group.db import db
from pairs_group.groups.models import Group
from tests import factories
from tests.browser.test_sms_staff_phone import sign_in

pytestmark = pytest.mark.browser


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_admin_changes_a_group_on_a_phone_after_reading_what_it_will_do(
        live_server, live_app, phone, screenshot):
    with live_app.app_context():
        secret = factories.make_staff("admin", email="lead@example.nhs.uk").totp_secret
        fiona = factories.make_staff("facilitator", name="Fiona Facilitator")
        group = factories.make_group(name="Spring group", capacity=3, facilitators=[fiona],
                                     first_day=date.today() + timedelta(days=14))
        for _ in range(3):
            factories.enrol(factories.make_dyad(), group)
        db.session.commit()
        group_id = group.id
    page = phone
    sign_in(page, live_server.url, "lead@example.nhs.uk", secret)
    page.goto(f"{live_server.url}/staff/groups/{group_id}")
    page.get_by_role("link", name="Change this group").click()
    page.wait_for_url(re.compile(r".*/edit$"))
    fits_the_phone(page)
    page.get_by_label("Places").fill("2")
    page.get_by_label("Fiona Facilitator").uncheck()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your changes to Spring group")).to_be_visible()
    effects = page.locator("#group-effects")
    expect(effects).to_contain_text("3 parents are enrolled; the new capacity is 2: nobody is "
                                    "removed")
    expect(effects).to_contain_text("Fiona Facilitator is taken off this group")
    fits_the_phone(page)
    screenshot(page, "staff-group-edit-check")
    with live_app.app_context():
        assert db.session.get(Group, group_id).capacity == 3  # nothing saved yet
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(re.compile(rf".*/staff/groups/{group_id}$"))
    expect(page.get_by_text("Group saved.")).to_be_visible()
    with live_app.app_context():
        saved = db.session.get(Group, group_id)
        assert saved.capacity == 2 and saved.facilitators == []
    page.get_by_role("link", name="Change the venue's details").click()
    page.wait_for_url(re.compile(r".*/venues/\d+/edit$"))
    fits_the_phone(page)
    page.get_by_label("Access notes").fill("Step-free entrance at the side; buggy park inside")
    page.get_by_role("button", name="Save venue").click()
    expect(page.get_by_text("Venue saved.")).to_be_visible()
    fits_the_phone(page)
    screenshot(page, "staff-venue-edit")
    with live_app.app_context():
        assert db.session.get(Group, group_id).venue.access_notes.startswith("Step-free")
