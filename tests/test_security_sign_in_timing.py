"""Staff sign-in does the same work whether or not the email has an account: a password hash
of today's strength is checked every time (so the answer's timing gives nothing away)."""

import pytest
from werkzeug import security

from pairs_group.auth import passwords
from pairs_group.db import db
from tests import factories
from tests.pages import post_page


@pytest.fixture
def hashes_checked(monkeypatch):
    """The hashes each sign-in checked, as (method of the hash) in order."""
    checked = []

    def counting(stored_hash, password):
        checked.append(stored_hash.split("$")[0])
        return security.check_password_hash(stored_hash, password)

    monkeypatch.setattr(passwords, "check_password_hash", counting)
    return checked


def sign_in_page(client, email, password="not-the-password-1"):
    return post_page(client, "auth.sign_in", {"email": email, "password": password})


def test_an_unknown_email_checks_a_hash_as_strong_as_a_real_one(client, hashes_checked):
    page = sign_in_page(client, "nobody@example.nhs.uk")
    assert page.shows(".nhsuk-error-message", "The email address or password is not right")
    assert hashes_checked == [passwords.HASH_METHOD]


def test_a_known_email_checks_the_same_kind_of_hash(client, hashes_checked):
    user = factories.make_staff("facilitator")
    db.session.commit()
    sign_in_page(client, user.email)
    assert hashes_checked == [passwords.HASH_METHOD]


def test_a_closed_account_checks_a_hash_and_still_cannot_sign_in(client, hashes_checked):
    user = factories.make_staff("facilitator")
    user.active = False
    db.session.commit()
    page = sign_in_page(client, user.email, factories.STAFF_PASSWORD)
    assert page.shows(".nhsuk-error-message", "The email address or password is not right")
    assert hashes_checked == [passwords.HASH_METHOD]


def test_the_dummy_hash_never_lets_anyone_in():
    assert passwords.check_password(None, "") is False
    assert passwords.check_password("", "anything at all") is False
