"""A facilitator on a phone sees a group's waiting list and adds a walk-in parent."""

import pyotp
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from pairs_group.db import db
from pairs_group.parents.models import EnrolmentStatus, Parent
from tests import factories
from tests import parents_factories as pf

pytestmark = pytest.mark.browser


def full_group(live_app):
    with live_app.app_context():
        admin = factories.make_staff("admin", email="lead@example.nhs.uk")
        group = pf.open_group(capacity=1)
        factories.enrol(factories.make_dyad(mobile=pf.new_mobile()), group)
        for name in ("Joana Ferreira", "Blessing Okafor"):
            factories.enrol(factories.make_dyad(mobile=pf.new_mobile(), name=name), group,
                            status=EnrolmentStatus.WAITING)
        db.session.commit()
        return admin.totp_secret, group.id


def test_staff_manage_the_waiting_list_on_a_phone(live_server, live_app, phone, screenshot):
    secret, group_id = full_group(live_app)
    page = phone
    page.goto(live_server.url + "/staff/sign-in")
    page.get_by_label("Email address").fill("lead@example.nhs.uk")
    page.get_by_label("Password").fill(factories.STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.goto(f"{live_server.url}/staff/groups/{group_id}")
    page.get_by_role("link", name="Waiting list", exact=True).click()
    expect(page.get_by_role("heading", name="Joana Ferreira")).to_be_visible()
    screenshot(page, "parents-staff-waiting-list")
    page.get_by_role("link", name="Add a parent").first.click()
    page.fill("input[name=name]", "Grace Walk-In")
    page.fill("input[name=mobile]", "07911 212900")
    page.fill("input[name=postcode]", "N1 9GU")
    page.check("input[name=baby_status][value=born]")
    page.fill("input[name='date_of_birth[day]']", "1")
    page.fill("input[name='date_of_birth[month]']", "9")
    page.fill("input[name='date_of_birth[year]']", "2026")
    page.check("input[name=relationship][value=mother]")
    page.check("input[name=sms][value=yes]")
    page.get_by_role("button", name="Add parent").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()  # not eligible: give a reason
    page.fill("textarea[name=override_reason]", "Staying with family in Stockwell.")
    screenshot(page, "parents-staff-add-walk-in")
    page.get_by_role("button", name="Add parent").click()
    page.wait_for_url(f"**/staff/groups/{group_id}")
    with live_app.app_context():
        parent = db.session.scalar(sa.select(Parent).where(Parent.name == "Grace Walk-In"))
        assert parent.dyads[0].enrolments[0].status == EnrolmentStatus.WAITING
