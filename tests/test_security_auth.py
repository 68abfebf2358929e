"""Staff sign-in security: password rules, hashing, lockout, second factor, idle timeout,
sign-out everywhere, and the audit of sign-ins."""

import time
import uuid
from contextlib import contextmanager

import pyotp
import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from pairs_group.audit.models import AuditEvent
from pairs_group.auth import passwords, totp
from pairs_group.auth.models import StaffUser
from pairs_group.auth.service import AccountError, create_staff_user
from pairs_group.db import db
from tests import factories
from tests.conftest import count_rows, staff_sign_in
from tests.pages import expect_redirect, get_page, post_form, post_page, url
from tests.resources import redis_url

ERROR = ".nhsuk-error-message"  # the message under the field


def actions():
    return db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()


@pytest.mark.parametrize("password, problem", [
    ("short pass", "at least 12"),
    ("qwerty123456", "too common"),
    ("1q2w3e4r5t6y7u8i9o0p", "too common"),
    ("Q1W2E3R4T5Y6", "too common"),
    ("aaaaaaaaaaaaaaaa", "too easy"),
    ("my-name-is-jo.bloggs-2027", "email address"),
])
def test_weak_staff_passwords_are_refused(app, password, problem):
    with pytest.raises(AccountError, match=problem):
        create_staff_user("jo.bloggs@example.nhs.uk", password, "facilitator")
    assert count_rows(StaffUser) == 0


def test_the_common_password_list_is_shipped_and_large():
    assert len(passwords.common_passwords()) > 19_000
    assert "password" in passwords.common_passwords()


def test_a_good_password_is_stored_as_a_strong_hash(app):
    user = create_staff_user("a@example.nhs.uk", "violet kettle on the moor", "facilitator")
    assert user.password_hash.startswith("scrypt:32768:8:1$")
    assert "violet" not in user.password_hash


def test_an_old_hash_is_upgraded_when_she_signs_in(client):
    user = factories.make_staff("facilitator")
    user.password_hash = generate_password_hash(factories.STAFF_PASSWORD, method="pbkdf2:sha256")
    db.session.commit()
    staff_sign_in(client, user)
    db.session.refresh(user)
    assert user.password_hash.startswith("scrypt:32768:8:1$")
    assert user.check_password(factories.STAFF_PASSWORD)


def test_sign_ins_and_failures_are_audited_with_the_address(client):
    user = factories.make_staff("facilitator")
    db.session.commit()
    post_form(client, "auth.sign_in", {"email": user.email, "password": "wrong wrong wrong"})
    staff_sign_in(client, user)
    assert actions() == ["staff.sign_in_failed", "staff.sign_in"]
    events = db.session.scalars(sa.select(AuditEvent)).all()
    assert events[0].actor == "anonymous" and events[0].details["email"] == user.email
    assert events[1].actor == user.get_id() and events[1].ip_address == "127.0.0.1"


def test_the_session_is_new_after_sign_in(client):
    user = factories.make_staff("facilitator")
    db.session.commit()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    staff_sign_in(client, user)
    with client.session_transaction() as session:
        assert "planted" not in session


def limited_app(make_app, **settings):
    return make_app(RATELIMIT_ENABLED=True, STAFF_SIGN_IN_LIMIT_PER_ACCOUNT="3 per 15 minutes",
                    **settings)


def test_repeated_wrong_passwords_lock_the_account_for_a_while(make_app):
    app = limited_app(make_app)
    with app.app_context():
        user = factories.make_staff("facilitator")
        db.session.commit()
        client = app.test_client()
        wrong = {"email": user.email, "password": "not my password at all"}
        for _ in range(3):
            post_page(client, "auth.sign_in", wrong)
        page = post_page(client, "auth.sign_in", wrong, status=429)
        assert "Too many tries" in page.text_of("h1")
        right = {"email": user.email, "password": factories.STAFF_PASSWORD}
        post_page(client, "auth.sign_in", right, status=429)


def test_repeated_wrong_codes_get_429(make_app):
    app = make_app(RATELIMIT_ENABLED=True, STAFF_CODE_LIMIT="3 per 15 minutes")
    with app.app_context():
        user = factories.make_staff("admin")
        db.session.commit()
        client = app.test_client()
        post_form(client, "auth.sign_in", {"email": user.email,
                                           "password": factories.STAFF_PASSWORD})
        codes = [post_form(client, "auth.sign_in_code", {"code": "000000"}).status_code
                 for _ in range(4)]
        assert codes == [200, 200, 200, 429]


@pytest.mark.redis
def test_the_lockout_is_shared_through_redis_by_every_app_process(make_app):
    url, prefix = redis_url(), f"pairs-test-{uuid.uuid4().hex[:8]}"
    settings = {"REDIS_URL": url, "RATELIMIT_KEY_PREFIX": prefix}
    first = limited_app(make_app, **settings)
    with first.app_context():
        email = factories.make_staff("facilitator").email
        db.session.commit()
        wrong = {"email": email, "password": "not my password at all"}
        for _ in range(3):
            post_form(first.test_client(), "auth.sign_in", wrong)
    second = limited_app(make_app, **settings)  # another process, sharing only Redis
    with second.app_context():
        assert post_form(second.test_client(), "auth.sign_in", wrong).status_code == 429
    import redis

    store = redis.Redis.from_url(url)
    keys = list(store.scan_iter(f"*{prefix}*", count=100))
    assert keys and not any(email.encode() in key for key in keys)
    store.delete(*keys)


def test_an_admin_without_an_app_must_set_one_up_before_anything_else(client):
    user = factories.make_staff("admin", two_factor=False)
    db.session.commit()
    staff_sign_in(client, user)
    response = client.get(url(client, "groups.list_groups"))
    assert expect_redirect(response, "auth.set_up_two_factor") == url(client,
                                                                      "auth.set_up_two_factor")
    page = get_page(client, "auth.set_up_two_factor")
    link = page.select_one('a[href^="otpauth://"]')["href"]
    secret = link.split("secret=")[1][:32]
    assert "issuer=Together%20Time" in link
    page = post_page(client, "auth.set_up_two_factor", {"code": "123456"})
    assert page.shows(ERROR, "not right")
    response = post_form(client, "auth.set_up_two_factor", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.totp_secret == secret
    assert get_page(client, "groups.list_groups")
    assert "staff.two_factor_set_up" in actions()


def test_the_admin_rule_can_be_turned_off(make_app):
    app = make_app(STAFF_TOTP_REQUIRED_FOR_ADMINS=False)
    with app.app_context():
        user = factories.make_staff("admin", two_factor=False)
        db.session.commit()
        client = app.test_client()
        staff_sign_in(client, user)
        get_page(client, "groups.list_groups")


def test_a_code_works_once_only(client):
    user = factories.make_staff("facilitator", two_factor=True)
    db.session.commit()
    code = pyotp.TOTP(user.totp_secret).now()
    data = {"email": user.email, "password": factories.STAFF_PASSWORD}
    post_form(client, "auth.sign_in", data)
    assert post_form(client, "auth.sign_in_code", {"code": code}).status_code == 302
    post_form(client, "auth.sign_out", {})
    post_form(client, "auth.sign_in", data)
    page = post_page(client, "auth.sign_in_code", {"code": code})
    assert page.shows(ERROR, "not right")


def test_codes_allow_a_little_clock_drift_and_arabic_digits():
    secret = pyotp.random_base32()
    now = time.time()
    previous = pyotp.TOTP(secret).at(now - 30)
    assert totp.matching_step(secret, previous, now=now) is not None
    assert totp.matching_step(secret, pyotp.TOTP(secret).at(now - 120), now=now) is None
    arabic = previous.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert totp.matching_step(secret, arabic, now=now) is not None
    for junk in ["", "12345", "1234567", "abcdef", "１２３４５６x", None]:
        assert totp.matching_step(secret, junk, now=now) is None


def test_the_code_page_needs_a_right_password_first(client):
    response = client.get(url(client, "auth.sign_in_code"))
    assert expect_redirect(response, "auth.sign_in") == url(client, "auth.sign_in")


@contextmanager
def facilitator_signed_in(make_app):
    """(app, client) of a facilitator signed in through the form, 30 minutes' idle time-out,
    inside the app's context."""
    app = make_app(STAFF_IDLE_MINUTES=30)
    with app.app_context():
        user = factories.make_staff("facilitator")
        db.session.commit()
        client = app.test_client()
        staff_sign_in(client, user)
        get_page(client, "groups.list_groups")
        yield app, client


def test_an_idle_staff_session_is_signed_out_with_a_message(make_app):
    with facilitator_signed_in(make_app) as (_app, client):
        with client.session_transaction() as session:
            session["seen_at"] -= 31 * 60
        groups = url(client, "groups.list_groups")
        response = client.get(groups)
        path = expect_redirect(response, "auth.sign_in")
        assert path.startswith(url(client, "auth.sign_in") + "?next=" + groups)
        page = get_page(client, path)
        assert page.shows("[role=status]", "had not used the service for 30 minutes")


def test_a_staff_page_keeps_her_session_cookie_unless_a_minute_has_passed(make_app):
    """The last-seen time is written back at most once a minute: pages in between send no new
    session cookie, and a page after a minute's gap moves it on (so she stays signed in)."""
    with facilitator_signed_in(make_app) as (app, client):
        response = client.get(url(client, "groups.list_groups"))
        assert response.status_code == 200
        cookie = app.config["SESSION_COOKIE_NAME"] + "="
        assert not any(c.startswith(cookie) for c in response.headers.getlist("Set-Cookie"))
        with client.session_transaction() as session:
            session["seen_at"] -= 29 * 60
            was = session["seen_at"]
        response = client.get(url(client, "groups.list_groups"))
        assert response.status_code == 200
        assert any(c.startswith(cookie) for c in response.headers.getlist("Set-Cookie"))
        with client.session_transaction() as session:
            assert session["seen_at"] - was >= 29 * 60
        with client.session_transaction() as session:
            session["seen_at"] -= 29 * 60  # 29 minutes since the page above: still signed in
        assert client.get(url(client, "groups.list_groups")).status_code == 200


def test_sign_out_everywhere_ends_every_session_of_that_person(app, sign_in):
    user = sign_in("facilitator")
    other_device = app.test_client()
    staff_sign_in(other_device, user)
    this_device = app.test_client()
    staff_sign_in(this_device, user)
    page = get_page(this_device, "auth.account")
    action = url(this_device, "auth.sign_out_everywhere")
    assert "Sign out on every device" in page.text_of(f'form[action="{action}"] button')
    post_form(this_device, "auth.sign_out_everywhere", {})
    groups = url(this_device, "groups.list_groups")
    assert other_device.get(groups).status_code == 302
    assert this_device.get(groups).status_code == 302
    assert "staff.sign_out_everywhere" in actions()


def test_a_closed_account_is_signed_out_at_once(client, sign_in):
    user = sign_in("facilitator")
    get_page(client, "groups.list_groups")
    user.active = False
    db.session.commit()
    assert client.get(url(client, "groups.list_groups")).status_code == 302


def test_the_totp_code_command_is_refused_in_production(make_app, monkeypatch):
    app = make_app()
    with app.app_context():
        user = factories.make_staff("admin")
        db.session.commit()
        result = app.test_cli_runner().invoke(args=["users", "totp-code", user.email])
        assert result.output.strip() == pyotp.TOTP(user.totp_secret).now()
        app.config["PAIRS_ENV"] = "production"
        result = app.test_cli_runner().invoke(args=["users", "totp-code", user.email])
        assert result.exit_code != 0 and "never" in result.output


def test_reset_two_factor_makes_her_set_up_a_new_app(runner):
    user = factories.make_staff("admin")
    db.session.commit()
    result = runner.invoke(args=["users", "reset-two-factor", user.email])
    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert user.totp_secret is None and user.session_version == 2


def test_the_demo_gives_its_admin_an_authenticator_key_to_add(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "otpauth://totp/Together%20Time:admin%40demo.example.org?secret=" in result.output
    assert "users totp-code admin@demo.example.org" in result.output


def test_a_wrong_password_is_not_written_back_into_the_page(client):
    user = factories.make_staff("facilitator")
    db.session.commit()
    page = post_page(client, "auth.sign_in", {"email": user.email, "password": "wrong-horse-42"})
    assert page.field_value("email") == user.email
    assert page.field_value("password") == ""
    assert "wrong-horse-42" not in page.html
