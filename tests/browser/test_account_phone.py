"""A parent on her phone, in English and in Portuguese: signs in with a texted code, adds her
sessions to her calendar, says she can't come next week, downloads her data, deletes her account."""

import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.db import db
from pairs_group.parents.models import Parent
from tests.account_factories import family_in_group

pytestmark = pytest.mark.browser


def texted_code(app, mobile):
    sent = app.extensions["sms_backend"].sent
    body = [m["body"] for m in sent if m["to"] == mobile and m["kind"] == "sign_in_code"][-1]
    return re.search(r"\b(\d{6})\b", body).group(1)


@pytest.mark.parametrize("language", ["en", "pt"])
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
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/sign-in/code")
    page.locator("#code").fill(texted_code(live_app, mobile))
    page.locator("input[name=remember]").check()
    shot("2-code")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/my-account")
    assert name in page.locator("h1").inner_text()
    shot("3-home")

    with page.expect_download() as download:
        page.locator("a[href$='/calendar.ics']").first.click()
    assert "BEGIN:VEVENT" in Path(download.value.path()).read_text(encoding="utf-8")

    page.locator(f"a[href*='/sessions/{next_week}/cant-come']").first.click()
    page.locator("#reason").fill("Baby has a cold")
    shot("4-cant-come")
    page.locator("form button[type=submit]").click()
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
    page.locator("form button[type=submit]").click()  # without ticking: asked to confirm
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    shot("7-delete-confirm")
    page.locator("input[name=confirm]").check()
    page.locator("form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    shot("8-deleted")
    with live_app.app_context():
        assert db.session.scalar(sa.select(Parent).where(Parent.mobile == mobile)) is None
