"""A parent on her phone, in English, Portuguese and Arabic: signs in with a texted code, adds her
sessions to her calendar, says she can't come next week, downloads her data, deletes her account."""

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.db import db
from pairs_group.parents.models import Parent
from tests.account_factories import family_in_group
from tests.browser.conftest import PHONE
from tests.browser.crawl import last_code_texted, sign_in_parent

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "pt", "ar"])
def test_a_parent_manages_her_sessions_and_data_on_a_phone(
        live_server, live_app, phone, screenshot, language):
    with live_app.app_context():
        parent, enrolment = family_in_group(language=language)
        mobile, name = parent.mobile, parent.name
        next_week = enrolment.group.sessions[0].id
    page, shot = phone, lambda step: screenshot(phone, f"account-{language}-{step}")

    page.goto(f"{live_server.url}/sign-in?lang={language}")
    assert page.locator("html").get_attribute("lang") == language
    page.locator("#mobile").fill("0" + mobile[3:])
    shot("1-sign-in")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/sign-in/code")
    page.locator("#code").fill(last_code_texted(live_app, mobile))
    page.locator("input[name=remember]").check()
    shot("2-code")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/my-account")
    assert name in page.locator("h1").inner_text()
    shot("3-home")

    with page.expect_download() as download:
        page.locator("a[href$='/calendar.ics']").first.click()
    assert "BEGIN:VEVENT" in Path(download.value.path()).read_text(encoding="utf-8")

    page.goto(f"{live_server.url}/my-account/calendar")  # no address until she asks for one
    assert page.locator("code").count() == 0
    shot("3a-calendar")
    page.locator("form[action$='/calendar/new-address'] button").click()
    page.wait_for_url("**/my-account/calendar")
    expect(page.locator("code")).to_contain_text("/calendar/")
    shot("3b-calendar-address")
    page.goto(f"{live_server.url}/my-account")

    page.locator(f"a[href*='/sessions/{next_week}/cant-come']").first.click()
    page.locator("#reason").fill("Baby has a cold")
    shot("4-cant-come")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/my-account")
    assert page.locator(".nhsuk-tag--grey").count() == 1
    shot("5-home-after-cant-come")
    with live_app.app_context():
        mark = db.session.scalar(sa.select(Attendance))
        assert mark.status == AttendanceStatus.CANCELLED_BY_PARENT

    page.goto(f"{live_server.url}/my-account/my-data")
    shot("6-my-data")
    with page.expect_download() as download:
        page.locator("a[href$='my-data.json']").click()
    held = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert held["parent"][0]["mobile"] == mobile

    page.locator("a[href$='/my-account/delete']").click()
    page.wait_for_url("**/my-account/delete")
    page.locator("main form button[type=submit]").click()  # without ticking: asked to confirm
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    shot("7-delete-confirm")
    page.locator("input[name=confirm]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    shot("8-deleted")
    with live_app.app_context():
        assert db.session.scalar(sa.select(Parent).where(Parent.mobile == mobile)) is None


def reopened(browser, cookies):
    """The phone's browser closed and opened again: only cookies that outlive it are kept."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.add_cookies([c for c in cookies if c.get("expires", -1) > 0])
    return context.new_page()


def copied(browser, cookies):
    """Someone else's browser holding copies of every cookie the phone had."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.add_cookies(cookies)
    return context.new_page()


def signed_in(page, live_server):
    page.goto(f"{live_server.url}/my-account")
    return "/sign-in" not in page.url


@pytest.mark.parametrize("language, way_out", [("en", "sign-out"), ("ar", "every-device")])
def test_a_remembered_phone_is_signed_out_for_good(
        live_server, live_app, browser, phone, screenshot, language, way_out):
    with live_app.app_context():
        parent, _enrolment = family_in_group(language=language)
        mobile = parent.mobile
    page = phone
    sign_in_parent(page, live_server.url, live_app, mobile, language, remember=True)
    before = page.context.cookies()
    assert signed_in(reopened(browser, before), live_server)  # remember-me works

    page.goto(f"{live_server.url}/my-account/settings")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    screenshot(page, f"account-{language}-settings-sign-out-everywhere")
    if way_out == "sign-out":
        page.goto(f"{live_server.url}/my-account")
        page.locator("form[action$='/sign-out'] button").click()
    else:
        page.locator("form[action$='/sign-out-everywhere'] button").click()
    page.wait_for_url("**/sign-in")
    assert page.locator("[role=status]").count() == 1  # "You have signed out ..."
    screenshot(page, f"account-{language}-signed-out")

    assert not signed_in(page, live_server)
    assert not signed_in(reopened(browser, page.context.cookies()), live_server)
    assert not signed_in(copied(browser, before), live_server)  # copies from before, too
