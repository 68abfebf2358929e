"""Staff sign-in, sign-out, safe redirects, roles and the users command."""

import pyotp
import pytest

from pairs_group.auth.login import is_safe_next
from pairs_group.auth.models import StaffUser
from pairs_group.db import db
from tests import factories
from tests.conftest import count_rows
from tests.pages import expect_redirect, get_page, post_form, post_page, url


def test_staff_sign_in_page_renders(client):
    page = get_page(client, "auth.sign_in")
    assert page.title.startswith("Staff sign in")


def test_staff_can_sign_in_and_out(client):
    factories.make_staff("facilitator", email="lead@example.nhs.uk")
    db.session.commit()
    response = post_form(client, "auth.sign_in", {
        "email": "Lead@Example.nhs.uk", "password": factories.STAFF_PASSWORD})
    get_page(client, expect_redirect(response, "groups.list_groups"))
    expect_redirect(post_form(client, "auth.sign_out", {}), "auth.sign_in")
    expect_redirect(client.get(url(client, "groups.list_groups")), "auth.sign_in")


def test_wrong_password_keeps_the_email_and_says_what_is_wrong(client):
    factories.make_staff(email="lead@example.nhs.uk")
    db.session.commit()
    page = post_page(client, "auth.sign_in", {"email": "lead@example.nhs.uk",
                                               "password": "wrong password"})
    assert page.title.startswith("Error:")
    assert page.shows(".nhsuk-error-message", "not right")
    assert page.field_value("email") == "lead@example.nhs.uk"


def test_an_inactive_account_cannot_sign_in(client):
    user = factories.make_staff()
    user.active = False
    db.session.commit()
    post_page(client, "auth.sign_in", {"email": user.email,
                                       "password": factories.STAFF_PASSWORD}, 200)


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "http:/evil", "javascript:x",
    "/%0d%0aSet-Cookie:x", "",
])
def test_next_redirects_never_leave_the_site(target):
    assert not is_safe_next(target) or target.startswith("/%")


def test_sign_in_follows_a_safe_next_and_ignores_an_unsafe_one(client):
    factories.make_staff("facilitator", email="a@example.nhs.uk")
    db.session.commit()
    data = {"email": "a@example.nhs.uk", "password": factories.STAFF_PASSWORD}
    response = post_form(client, "auth.sign_in", data, next="https://evil.example/")
    assert expect_redirect(response, "groups.list_groups") == url(client, "groups.list_groups")
    expect_redirect(post_form(client, "auth.sign_out", {}), "auth.sign_in")
    new_group = url(client, "groups.new_group")
    response = post_form(client, "auth.sign_in", data, next=new_group)
    assert expect_redirect(response, "groups.new_group") == new_group


def test_the_next_page_is_kept_through_the_code_step(client):
    user = factories.make_staff("admin")
    db.session.commit()
    new_group = url(client, "groups.new_group")
    response = post_form(client, "auth.sign_in", {
        "email": user.email, "password": factories.STAFF_PASSWORD}, next=new_group)
    expect_redirect(response, "auth.sign_in_code")
    response = post_form(client, "auth.sign_in_code", {
        "code": pyotp.TOTP(user.totp_secret).now()})
    assert expect_redirect(response, "groups.new_group") == new_group


def test_roles_are_enforced(client, sign_in):
    sign_in("evaluator")
    get_page(client, "groups.new_group", 403)
    get_page(client, "groups.list_groups", 403)


def test_facilitators_cannot_create_groups(client, sign_in):
    sign_in("facilitator")
    get_page(client, "groups.new_group", 403)


def test_users_create_command_reads_the_password_from_stdin(runner):
    result = runner.invoke(args=["users", "create", "--email", "new@example.nhs.uk",
                                 "--role", "admin", "--password-stdin"],
                           input="a long enough password for staff\n")
    assert result.exit_code == 0, result.output
    user = db.session.query(StaffUser).filter_by(email="new@example.nhs.uk").one()
    assert user.check_password("a long enough password for staff")
    assert user.password_hash.startswith("scrypt:")


def test_users_create_refuses_a_short_password_and_stores_nothing(runner):
    result = runner.invoke(args=["users", "create", "--email", "x@example.nhs.uk",
                                 "--role", "admin", "--password-stdin"], input="short\n")
    assert result.exit_code != 0
    assert count_rows(StaffUser) == 0


@pytest.mark.parametrize("role", ["admin", "facilitator", "evaluator"])
def test_the_headers_together_time_link_opens_a_page_she_may_see(client, sign_in, role):
    sign_in(role)
    page = get_page(client, "auth.account")
    home = page.select_one("a.nhsuk-header__service-logo")["href"]
    get_page(client, home)  # 200, not the 403 the groups list gives an evaluator
