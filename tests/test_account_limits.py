import time
import uuid

from pairs_group.db import db
from tests.account_factories import make_parent
from tests.pages import Page, url
from tests.resources import redis_url


def limited_app(make_app, **settings):
    return make_app(RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX="pairs-test-account-"
                    + uuid.uuid4().hex, **settings)


def ask(client, mobile, ip="203.0.113.7"):
    return client.post(url(client, "account.sign_in"), data={"mobile": mobile},
                       environ_base={"REMOTE_ADDR": ip}).status_code


def test_codes_for_one_number_are_limited_however_it_is_written(make_app):
    app = limited_app(make_app, ACCOUNT_CODES_PER_NUMBER="2 per hour")
    client = app.test_client()
    with app.app_context():
        assert ask(client, "07911 123456", "203.0.113.1") == 302
        assert ask(client, "+447911123456", "203.0.113.2") == 302
        assert ask(client, "07911123456", "203.0.113.3") == 429
        assert ask(client, "07911 123457", "203.0.113.4") == 302  # another number is fine


def test_codes_from_one_address_are_limited(make_app):
    app = limited_app(make_app, ACCOUNT_CODES_PER_ADDRESS="3 per hour")
    client = app.test_client()
    with app.app_context():
        results = [ask(client, f"07911 12345{n}") for n in range(4)]
    assert results == [302, 302, 302, 429]
    # The page helper cannot set the client's address: the raw POST, checked as a page.
    refused = Page(client.post(url(client, "account.sign_in"), data={"mobile": "07911 123450"},
                               environ_base={"REMOTE_ADDR": "203.0.113.7"})).check(429)
    assert refused.text_of("h1") == "Too many tries"


def test_code_guesses_from_one_address_are_limited(make_app):
    app = limited_app(make_app, ACCOUNT_CODE_CHECKS_PER_ADDRESS="2 per hour")
    client = app.test_client()
    with app.app_context():
        with client.session_transaction() as saved:
            saved["sign_in_flow"] = {"code": 1, "next": ""}
        codes = [client.post(url(client, "account.enter_code"), data={"code": "123456"}).status_code
                 for _ in range(3)]
    assert codes == [200, 200, 429]


def test_limits_hold_across_app_processes_in_redis(make_app):
    url, prefix = redis_url(), "pairs-test-account-" + uuid.uuid4().hex
    apps = [make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=url,
                     RATELIMIT_KEY_PREFIX=prefix, ACCOUNT_CODES_PER_NUMBER="2 per hour")
            for _ in range(2)]
    results = []
    for n in range(4):
        app = apps[n % 2]
        with app.app_context():
            results.append(ask(app.test_client(), "07911 123456", f"203.0.113.{n}"))
    assert results == [302, 302, 429, 429]


def test_known_and_unknown_numbers_take_the_same_time(make_app):
    app = make_app(ACCOUNT_SIGN_IN_SECONDS=0.3)
    client = app.test_client()
    with app.app_context():
        parent = make_parent()
        db.session.commit()
        timings = []
        for mobile in (parent.mobile, "07911 123999"):
            started = time.monotonic()
            assert ask(client, mobile) == 302
            timings.append(time.monotonic() - started)
    assert all(t >= 0.3 for t in timings)
