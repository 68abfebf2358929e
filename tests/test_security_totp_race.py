"""An authenticator code is used once, even by sign-ins racing with it (PostgreSQL threads),
and even when the row in memory is stale (SQLite, one step at a time)."""

import pyotp
import pytest
import sqlalchemy as sa

from pairs_group.auth import totp
from pairs_group.auth.models import StaffUser
from pairs_group.db import db
from tests import factories
from tests.concurrency import at_once, require_postgres, slow_down
from tests.pages import url

SIGN_INS = 6


def test_a_code_used_meanwhile_elsewhere_is_refused_though_this_copy_is_stale(app):
    user = factories.make_staff("facilitator", two_factor=True)
    db.session.commit()
    code = pyotp.TOTP(user.totp_secret).now()
    assert user.totp_last_step is None  # loaded here before the other sign-in used the code
    step = totp.matching_step(user.totp_secret, code)
    with db.engine.begin() as elsewhere:
        elsewhere.execute(sa.update(StaffUser).where(StaffUser.id == user.id)
                          .values(totp_last_step=step))
    assert totp.verify_for_user(user, code) is False


def test_a_fresh_code_is_accepted_and_remembered(app):
    user = factories.make_staff("facilitator", two_factor=True)
    db.session.commit()
    assert totp.verify_for_user(user, pyotp.TOTP(user.totp_secret).now())
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(StaffUser, user.id).totp_last_step is not None


@pytest.fixture
def postgres_app(app):
    return require_postgres(app, "the code race")


def race(app, user, code):
    """Each sign-in, in its own thread and connection, gives the right password, then all
    give the same code at the same moment."""

    def sign_in(client, start):
        client.post(url(client, "auth.sign_in"), data={
            "email": user.email, "password": factories.STAFF_PASSWORD})
        start()
        return client.post(url(client, "auth.sign_in_code"), data={"code": code}).status_code

    return at_once(app, sign_in, [app.test_client() for _ in range(SIGN_INS)])


def test_six_sign_ins_at_once_with_one_code_let_one_in(postgres_app, monkeypatch):
    user = factories.make_staff("facilitator", two_factor=True)
    db.session.commit()
    code = pyotp.TOTP(user.totp_secret).now()
    # Widen the gap between checking the code and using it up, so the threads overlap.
    slow_down(monkeypatch, totp, "matching_step", 0.3)
    outcomes = race(postgres_app, user, code)
    assert sorted(outcomes) == [200] * (SIGN_INS - 1) + [302]
