"""Fixtures: a migrated database (SQLite, or PostgreSQL with TEST_DATABASE_URL), app, client,
CLI runner and signed-in staff."""

import os

import pyotp
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade

from pairs_group import create_app
from pairs_group.auth.models import StaffUser
from pairs_group.db import db
from pairs_group.sms.service import wait_for_hand_offs
from tests import factories
from tests.pages import url
from tests.resources import throwaway_postgres_database


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """One database for the whole run, built by the real migrations."""
    server = os.environ.get("TEST_DATABASE_URL")
    if server:
        with throwaway_postgres_database(server) as url:
            migrate_database(url, tmp_path_factory)
            yield url
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
        migrate_database(url, tmp_path_factory)
        yield url


def migrate_database(url, tmp_path_factory):
    """Build the schema. While features are being written in parallel their tables come from
    the models (PAIRS_TEST_SCHEMA=models); otherwise from the real migrations."""
    app = create_app(settings_for_tests(url, tmp_path_factory.mktemp("migrate")))
    with app.app_context():
        if os.environ.get("PAIRS_TEST_SCHEMA") == "models":
            db.create_all()
        else:
            upgrade()
        db.engine.dispose()


def settings_for_tests(url, instance_dir):
    return {
        "TESTING": True,
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "SMS_BACKEND": "recording",
        "SMS_OUTBOX_FILE": str(instance_dir / "sms-outbox.jsonl"),
        "PUBLIC_BASE_URL": "http://localhost",
        "RATELIMIT_ENABLED": False,
    }


class ClosingClient(FlaskClient):
    """Reads each response whole and closes it, as a server does once the last byte has gone,
    then waits for the texts the request handed off (sms.service.send_soon) to be tried: so a
    test sees the text sent when the call returns. A download (an attachment) is left open and
    streamed, for the test to read as it likes."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if "attachment" not in response.headers.get("Content-Disposition", ""):
            response.make_sequence()
            response.close()
        wait_for_hand_offs(self.application)
        return response


def empty_all_tables():
    """Rows go, tables stay: faster than rebuilding the schema for every test."""
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def make_app(database_url, tmp_path, request):
    """Build an app on the test database with extra settings; its tables are emptied after.

    Quiet hours are off unless a test is marked quiet_hours: the suite must give the same
    answers whether it runs at noon or at midnight (CI often runs at night)."""
    apps = []
    quiet = {} if request.node.get_closest_marker("quiet_hours") else {"SMS_QUIET_HOURS": ""}

    def build(**overrides):
        app = create_app({**settings_for_tests(database_url, tmp_path), **quiet, **overrides})
        app.test_client_class = ClosingClient
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
    if apps:
        with apps[0].app_context():
            empty_all_tables()
            db.engine.dispose()


@pytest.fixture
def twilio_app(make_app):
    """An app whose texts go through the real twilio client to FakeTwilioHttp (no network)."""
    from tests.sms_factories import FakeTwilioHttp, twilio_settings

    FakeTwilioHttp.reset()
    app = make_app(**twilio_settings())
    with app.app_context():
        yield app


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def sign_in(client):
    """Sign the test client in as a new member of staff with the given role."""

    def as_role(role="admin", **details):
        user = factories.make_staff(role=role, **details)
        db.session.commit()
        staff_sign_in(client, user)
        return user

    return as_role


def staff_sign_in(client, user, password=None):
    """Sign in with the password, then, when the user has an authenticator app, its code."""
    response = client.post(url(client, "auth.sign_in"), data={
        "email": user.email, "password": password or factories.STAFF_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    if response.headers["Location"].endswith("/staff/sign-in/code"):
        # A test may sign one person in twice within 30 seconds: forget the last code used.
        db.session.execute(sa.update(StaffUser).where(StaffUser.id == user.id)
                           .values(totp_last_step=None))
        db.session.commit()
        code = pyotp.TOTP(user.totp_secret).now()
        response = client.post(url(client, "auth.sign_in_code"), data={"code": code})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def count_rows(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))
