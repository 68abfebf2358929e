"""A member of staff signs in on a phone and creates a group whose sessions skip a bank holiday."""

import re

import pyotp
import pytest
from playwright.sync_api import expect

from pairs_group.db import db
from tests import factories

pytestmark = pytest.mark.browser


def test_staff_signs_in_on_a_phone_and_creates_a_group(live_server, live_app, phone, screenshot):
    with live_app.app_context():
        secret = factories.make_staff("admin", email="lead@example.nhs.uk").totp_secret
        factories.make_venue(name="Stockwell Children's Centre")
        db.session.commit()
    page = phone
    page.goto(live_server.url + "/staff/sign-in")
    page.get_by_label("Email address").fill("lead@example.nhs.uk")
    page.get_by_label("Password").fill(factories.STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Create a group").click()
    page.get_by_label("Group name").fill("Spring group")
    page.get_by_label("Venue").select_option(label="Stockwell Children's Centre")
    page.get_by_label("Date of the first session").fill("2027-05-17")
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Português").check()
    screenshot(page, "staff-create-group-form")
    page.get_by_role("button", name="Create group").click()
    page.wait_for_url(re.compile(r".*/staff/groups/\d+$"))  # not /staff/groups/new, still open
    expect(page.get_by_role("heading", name="Spring group")).to_be_visible()
    rows = page.locator("tbody tr")
    assert rows.count() == 8
    text = page.locator("tbody").inner_text()
    assert "31 May 2027" not in text and "7 Jun 2027" in text
    screenshot(page, "staff-group-created")


def test_wrong_password_shows_an_error_summary(live_server, live_app, phone):
    page = phone
    page.goto(live_server.url + "/staff/sign-in")
    page.get_by_label("Email address").fill("nobody@example.nhs.uk")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(re.compile(r"^Error:"))
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
