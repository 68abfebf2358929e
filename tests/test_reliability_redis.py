"""Redis away: parents and staff still sign in and answer, limits hold in each process's memory
with a logged warning, /healthz says "degraded" (200), and the limits go back to Redis by
themselves."""

import logging
import uuid
from urllib.parse import urlsplit

import pytest
import redis
import sqlalchemy as sa

from pairs_group.db import db
from pairs_group.questionnaires.models import Answer
from tests import factories
from tests.account_factories import family_in_group, last_code
from tests.pages import get_page, post_form, url
from tests.questionnaires_factories import questionnaire
from tests.resources import redis_url, wait_for
from tests.tcp_proxy import TcpProxy


def ask(client, mobile):
    return post_form(client, "account.sign_in", {"mobile": mobile}).status_code


def health_of(client):
    """/healthz answers JSON: read from the raw response."""
    return client.get(url(client, "health.healthz"))


def keys_in(url, prefix):
    store = redis.Redis.from_url(url)
    try:
        return [key.decode() for key in store.scan_iter(f"*{prefix}*")]
    finally:
        store.close()


@pytest.fixture
def redis_behind_a_proxy():
    """(the Redis URL through a TcpProxy, the direct URL, the proxy)."""
    url = redis_url()
    parts = urlsplit(url)
    proxy = TcpProxy(parts.hostname, parts.port or 6379).start()
    yield f"redis://127.0.0.1:{proxy.port}{parts.path}", url, proxy
    proxy.stop()


@pytest.mark.redis
def test_redis_away_people_still_sign_in_limits_hold_and_come_back(
        make_app, redis_behind_a_proxy, caplog):
    proxied, direct, proxy = redis_behind_a_proxy
    prefix = "pairs-test-outage-" + uuid.uuid4().hex
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=proxied,
                   RATELIMIT_KEY_PREFIX=prefix, ACCOUNT_CODES_PER_NUMBER="3 per hour")
    with app.app_context():
        (parent, enrolment), staff = family_in_group(), factories.make_staff("facilitator")
        db.session.commit()
        mobile, email = parent.mobile, staff.email
        hers = questionnaire(enrolment)
    mum, nurse = app.test_client(), app.test_client()
    assert health_of(mum).json == {"status": "ok", "database": "ok", "redis": "ok"}
    assert ask(mum, mobile) == 302 and keys_in(direct, prefix)

    proxy.stop()
    caplog.set_level(logging.WARNING, logger=app.logger.name)
    assert [ask(mum, mobile) for _ in range(4)] == [302, 302, 302, 429]
    assert "Redis is unreachable: rate limits are counted in this process's memory" in caplog.text
    with app.app_context():
        code = last_code(mobile)
    assert post_form(mum, "account.enter_code", {"code": code}).status_code == 302
    get_page(mum, "account.home")
    assert post_form(mum, "questionnaires.about", {}, **hers).status_code == 302
    answered = {f"item-{n}": "5" for n in range(1, 6)}
    assert post_form(mum, "questionnaires.section", answered, number=1, **hers).status_code == 302
    signed_in = post_form(nurse, "auth.sign_in", {"email": email,
                                                  "password": factories.STAFF_PASSWORD})
    assert signed_in.status_code == 302
    get_page(nurse, "attendance.show_today")
    health = health_of(mum)
    assert (health.status_code, health.json) == (
        200, {"status": "degraded", "database": "ok", "redis": "unavailable"})

    proxy.start()
    assert wait_for(lambda: health_of(mum).json["status"] == "ok")
    before = len(keys_in(direct, prefix))
    others = (f"07911 3{n:05d}" for n in range(400))
    assert wait_for(lambda: ask(mum, next(others)) == 302
                    and len(keys_in(direct, prefix)) > before, seconds=60)
    assert "Redis is back: rate limits are shared again" in caplog.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 5
    store = redis.Redis.from_url(direct)
    store.delete(*keys_in(direct, prefix))
    store.close()
