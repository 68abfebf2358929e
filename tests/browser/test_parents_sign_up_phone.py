"""A parent signs up on a 390x844 phone: in Portuguese, in Somali, and with JavaScript off.

Catalogues may not translate every string yet, so the steps are found by field names and the
checks are on the page language, the flow and what is stored, not on translated words.
"""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from pairs_group.db import db
from pairs_group.parents.models import AboutYou, Enrolment, EnrolmentStatus, Parent
from pairs_group.sms.models import OutboxMessage
from tests import parents_factories as pf
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser


def make_group(live_app, language):
    with live_app.app_context():
        group = pf.open_group(languages=("en", language))
        return group.id


def submit(page):
    page.locator("main form button[type=submit]").first.click()


def sign_up(page, base, language, mobile, screenshot=None, shots=""):
    """Every step, as she would tap through them; returns nothing, ends on the done page."""
    page.goto(f"{base}/?lang={language}")
    assert page.locator("html").get_attribute("lang") == language
    shot(screenshot, page, f"{shots}-1-start")
    page.locator("main a[href='/join']").first.click()
    page.fill("input[name=postcode]", "sw9 9aa")
    page.check("input[name=baby_status][value=born]")
    born = date.today() - timedelta(weeks=12)
    page.fill("input[name='date_of_birth[day]']", str(born.day))
    page.fill("input[name='date_of_birth[month]']", str(born.month))
    page.fill("input[name='date_of_birth[year]']", str(born.year))
    shot(screenshot, page, f"{shots}-2-eligibility")
    submit(page)
    page.wait_for_url("**/join/your-details")
    page.fill("input[name=name]", "Ana Souza")
    page.fill("input[name=mobile]", mobile)
    page.check("input[name=relationship][value=mother]")
    page.fill("input[name=baby_name]", "Lucas")
    assert page.locator("select[name=language]").input_value() == language
    page.check("input[name=needs_interpreter][value=no]")
    shot(screenshot, page, f"{shots}-3-details")
    submit(page)
    page.wait_for_url("**/join/consent")
    page.check("input[name=sms][value=yes]")
    page.check("input[name=evaluation][value=yes]")
    shot(screenshot, page, f"{shots}-4-consent")
    submit(page)
    page.wait_for_url("**/join/about-you")
    page.check("input[name=ethnic_group][value=black_african]")
    page.check("input[name=gender][value=prefer_not_to_say]")
    page.check("input[name=heard_from][value=health_visitor]")
    shot(screenshot, page, f"{shots}-5-about-you")
    submit(page)
    page.wait_for_url("**/join/choose-a-group")
    shot(screenshot, page, f"{shots}-6-choose-group")
    page.locator("main form:has(input[name=group_id]) button[type=submit]").first.click()
    page.wait_for_url("**/join/done**")
    assert page.locator("html").get_attribute("lang") == language
    shot(screenshot, page, f"{shots}-7-done")


def shot(screenshot, page, name):
    if screenshot:
        screenshot(page, name)


def stored_sign_up(live_app, mobile_e164):
    with live_app.app_context():
        parent = db.session.scalar(sa.select(Parent).where(Parent.mobile == mobile_e164))
        enrolment = db.session.scalar(sa.select(Enrolment).where(
            Enrolment.dyad_id == parent.dyads[0].id))
        welcome = db.session.scalar(sa.select(OutboxMessage).where(
            OutboxMessage.kind == "welcome", OutboxMessage.parent_id == parent.id))
        about = db.session.scalar(sa.select(AboutYou).where(AboutYou.parent_id == parent.id))
        return parent.language, enrolment.status, welcome, about


@pytest.mark.parametrize("language", ["pt", "so"])
def test_a_parent_signs_up_on_her_phone_in_her_language(live_server, live_app, phone,
                                                        screenshot, language):
    make_group(live_app, language)
    sign_up(phone, live_server.url, language, "07911 212100", screenshot,
            shots=f"parents-sign-up-{language}")
    saved, status, welcome, about = stored_sign_up(live_app, "+447911212100")
    assert saved == language and status == EnrolmentStatus.ENROLLED
    assert welcome.language == language and welcome.status in ("sent", "deferred_quiet_hours")
    if welcome.status == "sent":
        assert "Ana" in welcome.body and "Souza" not in welcome.body  # her first name only
    assert about.gender == "prefer_not_to_say" and about.age_band is None


def test_sign_up_works_with_javascript_off(live_server, live_app, browser, screenshot):
    make_group(live_app, "pt")
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_up(page, live_server.url, "pt", "07911 212200", screenshot,
                shots="parents-sign-up-no-js")
    finally:
        context.close()
    saved, status, welcome, _about = stored_sign_up(live_app, "+447911212200")
    assert saved == "pt" and status == EnrolmentStatus.ENROLLED and welcome is not None


def test_mistakes_are_shown_on_the_phone_with_what_she_typed(live_server, live_app, phone,
                                                             screenshot):
    make_group(live_app, "pt")
    phone.goto(f"{live_server.url}/join?lang=pt")
    phone.fill("input[name=postcode]", "not a postcode")
    phone.check("input[name=baby_status][value=born]")
    phone.fill("input[name='date_of_birth[day]']", "31")
    phone.fill("input[name='date_of_birth[month]']", "2")
    phone.fill("input[name='date_of_birth[year]']", "2026")
    submit(phone)
    expect(phone.locator(".nhsuk-error-summary")).to_be_visible()
    assert phone.input_value("input[name=postcode]") == "not a postcode"
    assert phone.input_value("input[name='date_of_birth[day]']") == "31"
    screenshot(phone, "parents-sign-up-errors")
