"""On a phone, a newcomer signs in with each staff account `flask demo` prints: the form, the
password, then (the admin) the code from the printed authenticator key."""

import re

import pyotp
import pytest
from playwright.sync_api import expect

from tests.test_first_hour_sign_ins import printed_sign_ins, run

pytestmark = pytest.mark.browser


def test_each_printed_demo_sign_in_works_on_a_phone(live_server, live_app, browser, screenshot):
    output = run(live_app, "demo")
    assert output.exit_code == 0, output.output
    printed = printed_sign_ins(output.output)
    assert len(printed) == 3
    for role, email, password, key in printed:
        context = browser.new_context(viewport={"width": 390, "height": 844},
                                      is_mobile=True, has_touch=True, locale="en-GB")
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            page.goto(live_server.url + "/staff/sign-in")
            page.get_by_label("Email address").fill(email)
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Sign in").click()
            if key:
                page.wait_for_url("**/staff/sign-in/code")
                page.get_by_label("Code from your authenticator app").fill(
                    pyotp.TOTP(key).now())
                page.get_by_role("button", name="Continue").click()
            page.wait_for_url(lambda url: "/sign-in" not in url)
            expect(page.get_by_role("button", name="Sign out")).to_be_visible()
            expect(page).not_to_have_title(re.compile(r"^Error:"))
            screenshot(page, f"demo-sign-in-{role}")
        finally:
            context.close()
