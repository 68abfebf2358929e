"""On a 390x844 phone: a midwife refers a pregnant mother who reads Arabic, in a minute and
without an account; the mother follows the link in her text, finds her sign-up filled in, in
Arabic, right to left, checks it and joins; the referral then names her."""

from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from pairs_group.db import db
from pairs_group.parents.models import Parent
from pairs_group.referrals.models import Referral, ReferralStatus
from pairs_group.sms.models import OutboxMessage
from tests import parents_factories as pf

pytestmark = pytest.mark.browser


def submit(page):
    page.locator("main form button[type=submit]").first.click()


def midwife_refers(page, base, screenshot):
    page.goto(f"{base}/refer")
    page.fill("input[name=referrer_name]", "Rose Adebayo")
    page.check("input[name=referrer_role][value=midwife]")
    page.fill("input[name=referrer_team]", "King's community midwives")
    page.fill("input[name=referrer_phone]", "07911 190000")
    page.check("input[name=tell_referrer][value=yes]")
    page.fill("input[name=first_name]", "Amal")
    page.fill("input[name=mobile]", "07911 160321")
    page.select_option("select[name=language]", "ar")
    page.fill("input[name=postcode]", "sw9 9aa")
    page.check("input[name=baby_status][value=pregnant]")
    due = date.today() + timedelta(weeks=10)
    page.fill("input[name='due_date[day]']", str(due.day))
    page.fill("input[name='due_date[month]']", str(due.month))
    page.fill("input[name='due_date[year]']", str(due.year))
    page.check("input[name=interpreter][value=no]")
    page.check("input[name=consent]")
    screenshot(page, "referrals-1-midwife-refers")
    submit(page)
    page.wait_for_url("**/refer/sent")
    screenshot(page, "referrals-2-sent")
    return due


def invitation_path(live_app):
    with live_app.app_context():
        text = db.session.scalar(sa.select(OutboxMessage).where(
            OutboxMessage.kind == "referral_invitation"))
        return text.language, urlsplit(text.context["link"]).path


def test_a_midwife_refers_and_the_mother_joins_from_her_text_in_arabic(
        live_server, live_app, phone, browser, screenshot):
    with live_app.app_context():
        pf.open_group(languages=("en", "ar"))
    due = midwife_refers(phone, live_server.url, screenshot)
    language, path = invitation_path(live_app)
    assert language == "ar" and path.startswith("/t/")
    mother = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                 has_touch=True, locale="en-GB").new_page()
    mother.goto(live_server.url + path)
    mother.wait_for_url("**/join")
    assert mother.locator("html").get_attribute("lang") == "ar"
    assert mother.locator("html").get_attribute("dir") == "rtl"
    assert mother.input_value("input[name=postcode]") == "SW9 9AA"
    assert mother.is_checked("input[name=baby_status][value=pregnant]")
    assert mother.input_value("input[name='due_date[year]']") == str(due.year)
    screenshot(mother, "referrals-3-mother-eligibility-ar")
    submit(mother)
    mother.wait_for_url("**/join/your-details")
    assert mother.input_value("input[name=name]") == "Amal"
    assert mother.input_value("input[name=mobile]") == "07911 160321"
    mother.fill("input[name=name]", "Amal Haddad")
    mother.check("input[name=relationship][value=mother]")
    mother.check("input[name=needs_interpreter][value=no]")
    screenshot(mother, "referrals-4-mother-details-ar")
    submit(mother)
    mother.wait_for_url("**/join/consent")
    mother.check("input[name=sms][value=yes]")
    mother.check("input[name=evaluation][value=yes]")
    submit(mother)
    mother.wait_for_url("**/join/about-you")
    submit(mother)
    mother.wait_for_url("**/join/choose-a-group")
    mother.locator("main form:has(input[name=group_id]) button[type=submit]").first.click()
    mother.wait_for_url("**/join/done**")
    screenshot(mother, "referrals-5-mother-joined-ar")
    with live_app.app_context():
        referral = db.session.scalar(sa.select(Referral))
        parent = db.session.scalar(sa.select(Parent))
        assert referral.status == ReferralStatus.JOINED and referral.parent_id == parent.id
        assert parent.language == "ar" and parent.name == "Amal Haddad"
