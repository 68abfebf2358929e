"""A texted link opened on two phones at the same moment works once (PostgreSQL): links.follow
only flushes the spent nonce (db.insert_if_new) and the landing page commits, so the second
request waits on the unique nonce and is refused once the first commits."""

import time

import pytest
import sqlalchemy as sa

from pairs_group.auth import links
from pairs_group.auth.models import UsedLink
from pairs_group.db import db
from pairs_group.tokens import BadToken, make_token
from tests.account_factories import make_parent
from tests.concurrency import at_once, require_postgres

PHONES = 3


@pytest.fixture
def postgres_app(app):
    return require_postgres(app, "the texted link race")


def test_a_link_opened_on_several_phones_at_once_works_on_one(postgres_app):
    parent = make_parent()
    db.session.commit()
    token = make_token(parent.id, "welcome", n="race")

    def follow(_phone, start):
        with postgres_app.test_request_context():
            start()
            try:
                links.follow("welcome", token)
            except BadToken:
                return "used"
            time.sleep(0.3)  # the others try while this one has not committed yet
            db.session.commit()  # as the landing page does
            return "followed"

    outcomes = at_once(postgres_app, follow, range(PHONES))
    assert sorted(outcomes) == ["followed"] + ["used"] * (PHONES - 1)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UsedLink)) == 1
