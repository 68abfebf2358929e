"""An admin on a phone adds a facilitator, who sets her password from the one-time link and
signs in; the admin disables her and her next page asks her to sign in (her session ended)."""

import re

import pyotp
import pytest
from playwright.sync_api import expect

from pairs_group.db import db
from tests import factories

pytestmark = pytest.mark.browser


def test_an_admin_adds_a_facilitator_who_sets_up_her_account(live_server, live_app, browser,
                                                             phone, screenshot):
    with live_app.app_context():
        secret = factories.make_staff("admin", email="lead@example.nhs.uk").totp_secret
        factories.make_group(name="Spring group")
        db.session.commit()
    admin = phone
    admin.goto(live_server.url + "/staff/sign-in")
    admin.get_by_label("Email address").fill("lead@example.nhs.uk")
    admin.get_by_label("Password").fill(factories.STAFF_PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    admin.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    admin.get_by_role("button", name="Continue").click()
    admin.goto(live_server.url + "/staff/people/")
    admin.get_by_role("button", name="Add a person").or_(
        admin.get_by_role("link", name="Add a person")).first.click()
    admin.locator("#name").fill("Maria Walker")
    admin.locator("#email").fill("maria.walker@example.nhs.uk")
    admin.locator("input[name=role][value=facilitator]").check()
    admin.get_by_label("Spring group").check()
    screenshot(admin, "staff-add-person")
    admin.locator("main form button[type=submit]").click()
    link = admin.locator("main textarea").input_value().strip()
    assert "/staff/set-up/" in link
    screenshot(admin, "staff-set-up-link")

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    try:
        her = context.new_page()
        her.goto(live_server.url + link[link.index("/staff/set-up/"):])
        for field in her.locator("input[type=password]").all():
            field.fill("heron-walks-by-the-river")
        screenshot(her, "staff-set-up-page")
        her.locator("main form button[type=submit]").click()
        expect(her.get_by_role("heading", name="Groups", exact=True)).to_be_visible()
        expect(her.get_by_role("link", name=re.compile("Spring group"))).to_be_visible()

        admin.goto(live_server.url + "/staff/people/")
        admin.get_by_role("link", name="Maria Walker").click()
        admin.get_by_role("button", name="Disable account").click()
        screenshot(admin, "staff-disabled")
        her.reload()
        her.wait_for_url(re.compile(r".*/staff/sign-in.*"))
    finally:
        context.close()
