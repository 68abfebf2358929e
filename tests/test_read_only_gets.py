"""Opening a page stores nothing: a GET of every page, as every role, sends no INSERT, UPDATE or
DELETE to the database, but for the named exceptions (README › Layout): the read-audit of what
staff or she were shown, and a texted link spent when she follows it (her calendar's address
is made by her press of "Get my calendar address", a POST)."""

import re

import pytest
import sqlalchemy as sa

from pairs_group.db import db
from tests.page_samples import ROLES, build_world, sample_urls, sign_in_test_client

WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)
ALWAYS_ALLOWED = {"audit_event"}  # read-audits, written after the page is rendered
ALLOWED_ON = {"account.follow_link": {"used_link"}}  # a texted link works once


@pytest.fixture
def world(make_app):
    app = make_app(STAFF_TOTP_REQUIRED_FOR_ADMINS=False)
    with app.test_request_context():
        yield app, build_world()


def writes_during(app, visit):
    """The tables each INSERT, UPDATE or DELETE sent while visit() runs."""
    seen = []

    def listen(_conn, _cursor, statement, *_args):
        found = WRITE.match(statement)
        if found:
            seen.append(found.group(2).lower())

    engine = db.engines[None] if hasattr(db, "engines") else db.engine
    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        visit()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)
    return seen


def test_no_page_writes_when_opened(world):
    app, sample = world
    with app.test_request_context():
        urls = sample_urls(app, sample)
    problems, opened = [], 0
    for role in ROLES:
        for endpoint, url in urls:
            client = sign_in_test_client(app.test_client(), sample.users.get(role))
            responses = []
            tables = writes_during(app, lambda: responses.append(client.get(url)))
            assert responses[0].status_code < 500, (url, role)
            opened += responses[0].status_code == 200
            allowed = ALWAYS_ALLOWED | ALLOWED_ON.get(endpoint, set())
            problems += [f"GET {url} as {role} wrote {t}" for t in tables if t not in allowed]
    assert opened >= 50, "too few pages were opened to say anything"
    assert not problems, "\n".join(sorted(set(problems)))


def test_the_guard_sees_a_write(world):
    app, _sample = world
    from pairs_group.groups.models import Venue

    def write():
        with app.app_context():
            db.session.execute(sa.update(Venue).values(name=Venue.name))
            db.session.rollback()

    assert writes_during(app, write) == ["venue"]
