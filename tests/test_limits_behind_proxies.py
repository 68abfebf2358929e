"""Rate limits behind a load balancer (TRUST_PROXY_HEADERS=N: each person's own address, never
a made-up one), and rate-limit keys in Redis that name no one."""

import re
import uuid

import pytest
import redis
import sqlalchemy as sa

from pairs_group.audit.models import AuditEvent
from pairs_group.config import ConfigError, proxy_hops, read_environment
from pairs_group.db import db
from tests.account_factories import last_code, make_parent
from tests.pages import url
from tests.resources import redis_url

BALANCER = "10.0.0.2"  # every request reaches the app from the balancer's address


def limited_app(make_app, **settings):
    return make_app(RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX="pairs-test-proxy-"
                    + uuid.uuid4().hex, ACCOUNT_CODES_PER_NUMBER="100 per hour", **settings)


def ask(client, mobile, forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post(url(client, "account.sign_in"), data={"mobile": mobile}, headers=headers,
                       environ_base={"REMOTE_ADDR": BALANCER}).status_code


def numbers():
    return (f"07911 2{n:05d}" for n in range(100))


def test_behind_the_balancer_each_parent_is_limited_by_her_own_address(make_app):
    app = limited_app(make_app, TRUST_PROXY_HEADERS=1, ACCOUNT_CODES_PER_ADDRESS="2 per hour")
    client, mobiles = app.test_client(), numbers()
    first = [ask(client, next(mobiles), "198.51.100.1") for _ in range(3)]
    assert first == [302, 302, 429]
    assert ask(client, next(mobiles), "198.51.100.2") == 302  # not locked out by her


def test_without_the_setting_x_forwarded_for_is_ignored(make_app):
    app = limited_app(make_app, ACCOUNT_CODES_PER_ADDRESS="2 per hour")
    client, mobiles = app.test_client(), numbers()
    made_up = [ask(client, next(mobiles), f"198.51.100.{n}") for n in range(3)]
    assert made_up == [302, 302, 429]  # made-up addresses do not dodge the limit


def test_with_two_proxies_an_address_made_up_in_front_of_them_changes_nothing(make_app):
    app = limited_app(make_app, TRUST_PROXY_HEADERS="2", ACCOUNT_CODES_PER_ADDRESS="2 per hour")
    client, mobiles = app.test_client(), numbers()
    chains = [f"6.6.6.{n}, 198.51.100.7, 10.0.0.9" for n in range(3)]
    assert [ask(client, next(mobiles), chain) for chain in chains] == [302, 302, 429]


def test_one_number_is_limited_whatever_address_it_comes_from(make_app):
    app = limited_app(make_app, TRUST_PROXY_HEADERS=1, ACCOUNT_CODES_PER_ADDRESS="100 per hour")
    app.config["ACCOUNT_CODES_PER_NUMBER"] = "2 per hour"
    client = app.test_client()
    sent = [ask(client, "07911 123456", f"198.51.100.{n}") for n in range(3)]
    assert sent == [302, 302, 429]


def test_the_audit_log_records_her_own_address(make_app):
    app = make_app(TRUST_PROXY_HEADERS=1)
    client = app.test_client()
    with app.app_context():
        parent = make_parent()
        db.session.commit()
        mobile = parent.mobile
    forwarded = {"X-Forwarded-For": "198.51.100.23", "X-Forwarded-Proto": "https"}
    client.post(url(client, "account.sign_in"), data={"mobile": mobile}, headers=forwarded)
    with app.app_context():
        code = last_code(mobile)
    response = client.post(url(client, "account.enter_code"), data={"code": code},
                           headers=forwarded)
    assert response.status_code == 302
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(
            AuditEvent.action == "account.sign_in"))
        assert event.ip_address == "198.51.100.23"


@pytest.mark.parametrize(("setting", "hops"), [
    (True, 1), (False, 0), (None, 0), (2, 2), ("1", 1), ("true", 1), ("on", 1), ("3", 3),
    ("0", 0), ("false", 0), ("off", 0), ("", 0)])
def test_trust_proxy_headers_is_a_number_of_proxies_and_old_settings_keep_working(setting, hops):
    assert proxy_hops(setting) == hops


def test_a_malformed_trust_proxy_headers_names_the_setting():
    assert read_environment({"TRUST_PROXY_HEADERS": "2"}) == {"TRUST_PROXY_HEADERS": 2}
    with pytest.raises(ConfigError, match="TRUST_PROXY_HEADERS"):
        read_environment({"TRUST_PROXY_HEADERS": "the balancer"})


@pytest.mark.redis
def test_no_redis_key_holds_a_mobile_number_or_email_address(make_app):
    store_url, prefix = redis_url(), "pairs-test-keys-" + uuid.uuid4().hex
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=store_url,
                   RATELIMIT_KEY_PREFIX=prefix, ACCOUNT_CODES_PER_NUMBER="2 per hour")
    client = app.test_client()
    sent = [ask(client, written) for written in ("07911 123456", "+447911123456",
                                                 "07911123456")]
    assert sent == [302, 302, 429]
    client.post(url(client, "auth.sign_in"), data={"email": "someone.private@example.nhs.uk",
                                        "password": "not her password"})
    store = redis.Redis.from_url(store_url)
    try:
        keys = [key.decode() for key in store.scan_iter(f"*{prefix}*")]
        store.delete(*keys)
    finally:
        store.close()
    assert any("mobile:" in key for key in keys) and any("account:" in key for key in keys)
    for key in keys:
        assert not any("7911123456" in run for run in re.findall(r"\d+", key)), key
        assert "someone" not in key and "example.nhs.uk" not in key, key
