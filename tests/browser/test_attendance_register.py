"""A facilitator on a phone marks a register of ten, and two facilitators mark at once."""

import time

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.db import db
from tests import factories
from tests.attendance_factories import make_group_meeting_today

pytestmark = pytest.mark.browser

# Ten people, as she would mark them: most came, one sent apologies, one did not come.
MARKS = ["Attended"] * 8 + ["Apologies", "Did not attend"]


def tap(locator):
    """Scroll the page itself first: while the staff menu is wider than the phone (the header's
    script is not started yet) Chromium scrolls only the visual viewport and taps miss."""
    locator.evaluate("el => window.scrollTo(0, el.getBoundingClientRect().top + scrollY - 300)")
    locator.tap()


def sign_in(page, base_url, email, next_path):
    page.goto(f"{base_url}/staff/sign-in?next={next_path}")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(factories.STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_path}")


def make_register_of_ten(live_app, *emails):
    with live_app.app_context():
        people = [factories.make_staff("facilitator", email=e, name=e.split("@")[0].title())
                  for e in emails]
        group, session, enrolments = make_group_meeting_today(
            facilitators=people, dyads=10, name="Together Time Stockwell")
        enrolments[0].dyad.parent.interpreter_language = "Portuguese"
        enrolments[3].enrolled_at = session.starts_at  # new this week
        db.session.commit()
        return session.id, [e.id for e in enrolments]


def statuses(live_app, session_id):
    with live_app.app_context():
        return sorted(s.value for s in db.session.scalars(
            sa.select(Attendance.status).where(Attendance.session_id == session_id)))


def test_a_facilitator_marks_a_register_of_ten_on_her_phone(live_server, live_app, phone,
                                                              screenshot):
    session_id, _ids = make_register_of_ten(live_app, "fran@example.nhs.uk")
    page = phone
    sign_in(page, live_server.url, "fran@example.nhs.uk", "/staff/today")
    screenshot(page, "attendance-today")
    started = time.monotonic()
    page.get_by_role("link", name="Together Time Stockwell").click()
    page.wait_for_url(f"**/staff/sessions/{session_id}/register")
    rows = page.locator(".pairs-register__row")
    assert rows.count() == 10
    screenshot(page, "attendance-register-open")
    for row, mark in zip(rows.all(), MARKS, strict=True):
        tap(row.get_by_text(mark, exact=True))
    # Ticked is not saved: nothing counts as marked until the server has it.
    expect(page.locator(".pairs-register__tally")).to_have_text(
        "0 of 10 marked · Not sent yet: 10")
    screenshot(page, "attendance-register-marked")
    tap(page.get_by_role("button", name="Save register"))
    expect(page.get_by_text("Register saved. Attended: 8. Apologies: 1. Did not attend: 1.",
                            exact=False)).to_be_visible()
    took = time.monotonic() - started
    print(f"\nMarking a register of 10 on a 390x844 phone took {took:.1f} s "
          "(open the register, 10 taps, save)")
    screenshot(page, "attendance-register-saved")
    tap(page.get_by_role("link", name="Change or history Parent J"))
    page.get_by_label("Attended").check()
    page.get_by_label("Why are you changing it? (optional)").fill("She arrived late")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/staff/sessions/{session_id}/register")
    tap(page.get_by_role("link", name="Change or history Parent J"))
    expect(page.get_by_text("She arrived late")).to_be_visible()
    screenshot(page, "attendance-change-history")
    assert statuses(live_app, session_id) == sorted(["attended"] * 9 + ["cancelled_by_parent"])


def test_two_facilitators_marking_at_once_are_told_not_overwritten(live_server, live_app,
                                                                    browser, phone, screenshot):
    session_id, ids = make_register_of_ten(live_app, "fran@example.nhs.uk", "dani@example.nhs.uk")
    register = f"/staff/sessions/{session_id}/register"
    fran = phone
    sign_in(fran, live_server.url, "fran@example.nhs.uk", register)
    other = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True, locale="en-GB", java_script_enabled=False)
    try:
        dani = other.new_page()
        sign_in(dani, live_server.url, "dani@example.nhs.uk", register)
        first, second = fran.locator(".pairs-register__row").all()[:2]
        tap(first.get_by_text("Attended", exact=True))
        tap(second.get_by_text("Attended", exact=True))
        dani.locator(".pairs-register__row").first.get_by_text("Did not attend",
                                                                exact=True).click()
        dani.get_by_role("button", name="Save register").click()  # Dani saves first, JS off
        dani.wait_for_url(f"**{register}")
    finally:
        other.close()
    tap(fran.get_by_role("button", name="Save register"))
    expect(fran.get_by_text("Someone else changed 1 mark while you were marking")).to_be_visible()
    expect(fran.get_by_text("Dani marked this as Did not attend", exact=False)).to_be_visible()
    screenshot(fran, "attendance-register-conflict")
    assert statuses(live_app, session_id) == ["attended", "did_not_attend"]
    tap(fran.get_by_role("button", name="Save register"))  # she checks, and keeps her choice
    expect(fran.get_by_text("Register saved. Attended: 2.", exact=False)).to_be_visible()
    with live_app.app_context():
        mark = db.session.scalar(sa.select(Attendance).where(Attendance.enrolment_id == ids[0]))
        assert mark.status == AttendanceStatus.ATTENDED and mark.version == 2


def test_marks_not_yet_saved_survive_a_reload_on_the_phone(live_server, live_app, phone):
    session_id, _ids = make_register_of_ten(live_app, "fran@example.nhs.uk")
    register = f"/staff/sessions/{session_id}/register"
    sign_in(phone, live_server.url, "fran@example.nhs.uk", register)
    rows = phone.locator(".pairs-register__row")
    tap(rows.nth(0).get_by_text("Apologies", exact=True))
    tap(rows.nth(1).get_by_text("Did not attend", exact=True))
    phone.reload()  # the Wi-Fi dropped and she reloads before saving
    expect(phone.locator(".pairs-register__tally")).to_have_text(
        "0 of 10 marked · Not sent yet: 2")
    expect(rows.nth(0).get_by_role("radio", name="Apologies")).to_be_checked()
    tap(phone.get_by_role("button", name="Save register"))
    expect(phone.get_by_text("Register saved. Attended: 0. Apologies: 1.", exact=False)
           ).to_be_visible()
    assert statuses(live_app, session_id) == ["cancelled_by_parent", "did_not_attend"]


def kept_on_phone(page):
    """How many register pages the service worker keeps, once it has started."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    return page.evaluate(
        "caches.open('pairs-register-pages').then(cache => cache.keys()).then(k => k.length)")


def save_with_javascript_off(browser, base_url, email, register, row, mark):
    other = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True, locale="en-GB", java_script_enabled=False)
    try:
        page = other.new_page()
        sign_in(page, base_url, email, register)
        page.locator(".pairs-register__row").nth(row).get_by_text(mark, exact=True).click()
        page.get_by_role("button", name="Save register").click()
        page.wait_for_url(f"**{register}")
    finally:
        other.close()


def test_a_register_taken_with_no_connection_is_sent_when_it_comes_back(
        live_server, live_app, browser, phone, screenshot):
    session_id, ids = make_register_of_ten(live_app, "fran@example.nhs.uk", "dani@example.nhs.uk")
    register = f"/staff/sessions/{session_id}/register"
    sign_in(phone, live_server.url, "fran@example.nhs.uk", register)
    deadline = time.monotonic() + 10
    while not kept_on_phone(phone) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert kept_on_phone(phone) == 1
    phone.context.set_offline(True)  # down the stairs to the basement
    rows = phone.locator(".pairs-register__row")
    expect(phone.get_by_text("No connection")).to_be_visible()
    for n, mark in enumerate(["Attended", "Attended", "Apologies"]):
        tap(rows.nth(n).get_by_text(mark, exact=True))
    tally = phone.locator(".pairs-register__tally")
    expect(tally).to_have_text("0 of 10 marked · Not sent yet: 3")
    expect(rows.nth(0).locator(".pairs-register__pending")).to_have_text("Not sent yet")
    expect(rows.nth(3).locator(".pairs-register__pending")).to_be_hidden()
    tap(phone.get_by_role("button", name="Save register"))  # no 'No internet' page
    expect(tally).to_have_text("0 of 10 marked · Not sent yet: 3")
    screenshot(phone, "attendance-register-offline")
    phone.reload()  # still no signal: the page comes from the phone, the marks with it
    expect(phone.locator("h1")).to_have_text("Together Time Stockwell")
    expect(tally).to_have_text("0 of 10 marked · Not sent yet: 3")
    expect(rows.nth(2).get_by_role("radio", name="Apologies")).to_be_checked()
    screenshot(phone, "attendance-register-offline-reloaded")
    assert statuses(live_app, session_id) == []
    # Upstairs, with a signal, Dani marks the first family first.
    save_with_javascript_off(browser, live_server.url, "dani@example.nhs.uk", register, 0,
                             "Did not attend")
    phone.context.set_offline(False)  # back upstairs: the marks go by themselves
    expect(phone.get_by_text("Someone else changed 1 mark while you were marking")
           ).to_be_visible()
    expect(rows.nth(0).get_by_text("Dani marked this as Did not attend", exact=False)
           ).to_be_visible()
    expect(rows.nth(0).get_by_role("radio", name="Attended")).to_be_checked()
    screenshot(phone, "attendance-register-back-online-clash")
    assert statuses(live_app, session_id) == ["attended", "cancelled_by_parent", "did_not_attend"]
    tap(phone.get_by_role("button", name="Save register"))  # she checks, and keeps her choice
    expect(phone.get_by_text("Register saved. Attended: 2. Apologies: 1.", exact=False)
           ).to_be_visible()
    expect(tally).to_have_text("3 of 10 marked")
    with live_app.app_context():
        mark = db.session.scalar(sa.select(Attendance).where(Attendance.enrolment_id == ids[0]))
        assert mark.status == AttendanceStatus.ATTENDED and mark.version == 2
    tap(phone.get_by_role("button", name="Sign out"))
    phone.wait_for_url("**/staff/sign-in")
    assert phone.evaluate("caches.keys().then(names => names.length)") == 0
    assert phone.evaluate("localStorage.length") == 0
    assert phone.evaluate(
        "navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
