"""Staff sign-in, sign-out, safe redirects, roles and the users command."""

import pyotp
import pytest

from pairs_group.auth.login import is_safe_next
from pairs_group.auth.models import StaffUser
from pairs_group.db import db
from tests import factories
from tests.conftest import count_rows
from tests.pages import get_page, post_page


def test_staff_sign_in_page_renders(client):
    page = get_page(client, "/staff/sign-in")
    assert page.title.startswith("Staff sign in")


def test_staff_can_sign_in_and_out(client):
    factories.make_staff("facilitator", email="lead@example.nhs.uk")
    db.session.commit()
    response = client.post("/staff/sign-in", data={
        "email": "Lead@Example.nhs.uk", "password": factories.STAFF_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/groups/")
    get_page(client, "/staff/groups/")
    client.post("/staff/sign-out")
    assert client.get("/staff/groups/").status_code == 302


def test_wrong_password_keeps_the_email_and_says_what_is_wrong(client):
    factories.make_staff(email="lead@example.nhs.uk")
    db.session.commit()
    page = post_page(client, "/staff/sign-in", {"email": "lead@example.nhs.uk",
                                                 "password": "wrong password"})
    assert page.title.startswith("Error:")
    assert "not right" in page.text
    assert 'value="lead@example.nhs.uk"' in page.html


def test_an_inactive_account_cannot_sign_in(client):
    user = factories.make_staff()
    user.active = False
    db.session.commit()
    response = client.post("/staff/sign-in", data={"email": user.email,
                                                   "password": factories.STAFF_PASSWORD})
    assert response.status_code == 200


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
    response = client.post("/staff/sign-in?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/staff/groups/"
    client.post("/staff/sign-out")
    response = client.post("/staff/sign-in?next=/staff/groups/new", data=data)
    assert response.headers["Location"] == "/staff/groups/new"


def test_the_next_page_is_kept_through_the_code_step(client):
    user = factories.make_staff("admin")
    db.session.commit()
    client.post("/staff/sign-in?next=/staff/groups/new", data={
        "email": user.email, "password": factories.STAFF_PASSWORD})
    response = client.post("/staff/sign-in/code", data={
        "code": pyotp.TOTP(user.totp_secret).now()})
    assert response.headers["Location"] == "/staff/groups/new"


def test_roles_are_enforced(client, sign_in):
    sign_in("evaluator")
    assert client.get("/staff/groups/new").status_code == 403
    assert client.get("/staff/groups/").status_code == 403


def test_facilitators_cannot_create_groups(client, sign_in):
    sign_in("facilitator")
    assert client.get("/staff/groups/new").status_code == 403


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
