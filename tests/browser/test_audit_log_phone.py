"""An admin reads the audit log on a phone: what happened in words, the stored record one tap
away, and nothing wider than the screen."""

import pyotp
import pytest
from playwright.sync_api import expect

from pairs_group.audit.models import AuditEvent
from pairs_group.db import db
from tests import factories
from tests.test_audit_sentences import make_staff_actions

pytestmark = pytest.mark.browser


def test_an_admin_reads_the_audit_log_on_a_phone(live_server, live_app, phone, screenshot):
    with live_app.app_context():
        admin, _session = make_staff_actions(live_app)
        secret, email = admin.totp_secret, admin.email
        db.session.add(AuditEvent(actor=admin.get_id(), action="export", details={
            "file": "codebook.csv", "kind": "pseudonymised",
            "filters": {"start": "2026-04-01", "end": "2027-03-31", "group_id": None,
                        "groups_allowed": list(range(100, 160))}}))
        db.session.commit()
    page = phone
    page.goto(live_server.url + "/staff/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(factories.STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    page.goto(live_server.url + "/staff/audit/")
    expect(page.get_by_text("Lee Lead (Admin) exported codebook.csv.")).to_be_visible()
    expect(page.get_by_text("Amina Khan (Facilitator) marked 3 families attended at Together "
                            "Time Stockwell")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    export = page.locator(".pairs-audit-line", has_text="exported codebook.csv")
    export.locator("summary").click()
    expect(export.get_by_text("groups_allowed")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "audit-log-phone")
