"""On a phone: an admin sets up her authenticator app at first sign-in, signs in with a code,
reads the audit log and signs out everywhere."""

import re

import pyotp
import pytest
from playwright.sync_api import expect

from pairs_group.audit.service import record
from pairs_group.db import db
from tests import factories

pytestmark = pytest.mark.browser


def test_an_admin_sets_up_her_app_then_reads_the_audit_log(live_server, live_app, phone,
                                                           screenshot):
    with live_app.app_context():
        factories.make_staff("admin", email="lead@example.nhs.uk", two_factor=False)
        record("attendance.change", None, session=3, status="attended")
        db.session.commit()
    page = phone
    page.goto(live_server.url + "/staff/sign-in")
    page.get_by_label("Email address").fill("lead@example.nhs.uk")
    page.get_by_label("Password").fill(factories.STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/two-factor")
    screenshot(page, "security-set-up-authenticator")
    key = page.locator(".pairs-secret code").inner_text().replace(" ", "")
    uri = page.get_by_role("link", name="add Together Time to your app").get_attribute("href")
    assert uri.startswith("otpauth://totp/") and f"secret={key}" in uri
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page must not scroll sideways on a phone"
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Check the code").click()
    page.wait_for_url(lambda url: "/two-factor" not in url)
    page.goto(live_server.url + "/staff/audit/")
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    expect(page.get_by_text(re.compile(r"\(Admin\) set up an authenticator app\.")).first
           ).to_be_visible()
    screenshot(page, "security-audit-log")
    page.goto(live_server.url + "/staff/account")
    screenshot(page, "security-your-account")
    page.get_by_role("button", name="Sign out on every device").click()
    page.wait_for_url(re.compile(r".*/staff/sign-in$"))
    expect(page.get_by_text("You have signed out on every device")).to_be_visible()


def test_a_staff_member_with_an_app_is_asked_for_a_code(live_server, live_app, phone,
                                                        screenshot):
    with live_app.app_context():
        secret = factories.make_staff("admin", email="lead@example.nhs.uk").totp_secret
        db.session.commit()
    page = phone
    page.goto(live_server.url + "/staff/sign-in")
    page.get_by_label("Email address").fill("lead@example.nhs.uk")
    page.get_by_label("Password").fill(factories.STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error:"))
    screenshot(page, "security-code-wrong")
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/staff/groups/")
