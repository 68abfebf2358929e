"""Two app processes (gunicorn on two loopback ports) sharing one PostgreSQL and one Redis
behave as one service: signed in on one, signed in on the other; a rate limit counted across
both; two dispatchers send each text exactly once. Nothing needs sticky sessions."""

import json
import os
import re
import subprocess
import sys
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests

from bench import server
from pairs_group import create_app
from pairs_group.db import db
from pairs_group.parents.models import Baby, Dyad, Parent
from pairs_group.sms.service import queue_sms
from tests import factories
from tests.resources import redis_url, throwaway_postgres_database

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parent.parent
SIGN_IN_LIMIT = 5
MESSAGES = 120


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """A throwaway PostgreSQL database with a facilitator and queued texts, and the settings
    both processes are started with."""
    redis = redis_url()
    server_url = os.environ.get("TEST_DATABASE_URL",
                                "postgresql://postgres@127.0.0.1:5432/postgres")
    with throwaway_postgres_database(server_url) as url:
        app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "scale-out"})
        with app.app_context():
            db.create_all()
            staff = factories.make_staff(role="facilitator")
            for n in range(MESSAGES):
                parent = Parent(name=f"P{n}", mobile=f"+447700{n:06d}")
                db.session.add(Dyad(parent=parent, baby=Baby(name="B")))
                db.session.flush()
                queue_sms("sign_in_code", f"scale-out:{n}", parent=parent,
                          context={"code": f"{n:06d}"})
            db.session.commit()
            email = staff.email
            db.session.remove()
            db.engine.dispose()
        yield {"BENCH_DATABASE_URL": url, "BENCH_SECRET_KEY": "scale-out",
               "BENCH_REDIS_URL": redis, "BENCH_RATELIMIT": "1",
               "BENCH_RATELIMIT_PREFIX": "pairs-scale-out-" + uuid.uuid4().hex[:8],
               "BENCH_SIGN_IN_LIMIT": f"{SIGN_IN_LIMIT} per 15 minutes",
               "email": email}


@pytest.fixture(scope="module")
def two_servers(shared):
    env = {k: v for k, v in shared.items() if k.startswith("BENCH_")}
    with server.gunicorn("bench.served:app", env, workers=1) as a, \
            server.gunicorn("bench.served:app", env, workers=1) as b:
        yield f"http://127.0.0.1:{a}", f"http://127.0.0.1:{b}"


def csrf_token(http, base):
    page = http.get(f"{base}/staff/sign-in", timeout=30).text
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def sign_in_post(http, base, email, password):
    return http.post(f"{base}/staff/sign-in", timeout=30, allow_redirects=False, data={
        "csrf_token": csrf_token(http, base), "email": email, "password": password})


def test_signed_in_on_one_server_she_is_signed_in_on_the_other(two_servers, shared):
    a, b = two_servers
    http = requests.Session()
    assert sign_in_post(http, a, shared["email"], factories.STAFF_PASSWORD).status_code == 302
    cookie = SimpleCookie()
    cookie.load("; ".join(f"{c.name}={c.value}" for c in http.cookies))
    # The same cookie, sent to the other process (a browser would, behind one address).
    other = requests.get(f"{b}/staff/today", timeout=30, allow_redirects=False,
                         cookies={name: morsel.value for name, morsel in cookie.items()})
    assert other.status_code == 200, other.headers.get("Location")


def test_a_rate_limit_is_counted_across_both_servers(two_servers, shared):
    a, b = two_servers
    statuses = []
    for n in range(SIGN_IN_LIMIT + 3):
        base = (a, b)[n % 2]
        http = requests.Session()
        token = csrf_token(http, base)
        response = http.post(f"{base}/staff/sign-in", timeout=30, allow_redirects=False,
                             data=urlencode({"csrf_token": token, "email": f"nobody{n}@x.test",
                                             "password": "wrong"}),
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        statuses.append((base, response.status_code))
    limited = [base for base, status in statuses if status == 429]
    # The earlier test's sign-in counted too: the limit is reached across the two processes.
    assert len(limited) >= 3 and set(limited) == {a, b}, statuses
    assert all(status != 429 for _base, status in statuses[:SIGN_IN_LIMIT - 1]), statuses


DISPATCH = """
import json, sys
from bench.served import app
from pairs_group.sms.service import dispatch_due
with app.app_context():
    print(json.dumps(dispatch_due().statuses))
"""


def test_two_dispatchers_send_each_text_once(shared, tmp_path):
    outboxes = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    env = {k: v for k, v in shared.items() if k.startswith("BENCH_")}
    runs = [subprocess.Popen(  # noqa: S603 - our own fixed command line
        [sys.executable, "-c", DISPATCH], cwd=ROOT, stdout=subprocess.PIPE, text=True,
        env={**os.environ, **env, "BENCH_SMS_BACKEND": "console", "BENCH_OUTBOX": str(box),
             "SMS_BATCH_SIZE": "10"}) for box in outboxes]
    for run in runs:
        run.communicate(timeout=60)
        assert run.returncode == 0
    keys = [json.loads(line)["idempotency_key"] for box in outboxes if box.exists()
            for line in box.read_text().splitlines()]
    assert len(keys) == len(set(keys)) == MESSAGES
