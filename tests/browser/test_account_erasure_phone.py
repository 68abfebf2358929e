"""A mother deletes her account on her phone; her facilitator's register for next week no longer
lists her, last session's still counts her (without a name), and her place is offered on."""

import pytest

from pairs_group.db import db
from tests.account_factories import group_under_way, next_session
from tests.browser.crawl import sign_in_parent
from tests.browser.test_attendance_register import sign_in

pytestmark = pytest.mark.browser


def delete_account(page, base_url, app, mobile):
    sign_in_parent(page, base_url, app, mobile)
    page.goto(f"{base_url}/my-account/delete")
    page.locator("input[name=confirm]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(base_url + "/")


def test_after_a_mother_deletes_her_account_the_register_to_come_has_her_place_free(
        live_server, live_app, browser, phone, screenshot):
    with live_app.app_context():
        facilitator, group, maria, [waiting] = group_under_way()
        db.session.refresh(maria)
        mobile, email = maria.dyad.parent.mobile, facilitator.email
        coming, past, group_id = next_session(group).id, group.sessions[0].id, group.id
    delete_account(phone, live_server.url, live_app, mobile)
    screenshot(phone, "erasure-1-parent-deleted")

    staff = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True, locale="en-GB").new_page()
    sign_in(staff, live_server.url, email, f"/staff/sessions/{coming}/register")
    rows = staff.locator(".pairs-register__row")
    assert rows.count() == 1 and "Maria" not in staff.content()
    assert "Joy" in rows.first.inner_text()
    screenshot(staff, "erasure-2-register-to-come")
    staff.goto(f"{live_server.url}/staff/sessions/{past}/register")
    assert staff.locator(".pairs-register__row").count() == 2
    assert "A parent who deleted her account" in staff.content()
    screenshot(staff, "erasure-3-register-past")
    staff.goto(f"{live_server.url}/staff/groups/{group_id}/waiting-list")
    assert "Offered a place until" in staff.content()
    screenshot(staff, "erasure-4-waiting-list")
    staff.context.close()
