"""Two parents taking the last place at the same moment: only one gets it (PostgreSQL)."""

import os
import threading
import time

import pytest
import sqlalchemy as sa

from pairs_group.db import db
from pairs_group.parents import places, service
from pairs_group.parents.models import Enrolment, EnrolmentStatus
from tests import parents_factories as pf

PARENTS = 6


@pytest.fixture
def postgres_app(app):
    """The suite's own database when it is PostgreSQL. The SQLite pass leaves the race to the
    PostgreSQL pass (.ci/run runs both), where a missing server fails the whole run in CI."""
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("the capacity race runs in the PostgreSQL pass (TEST_DATABASE_URL)")
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    return app


def pending_sign_ups(count):
    references = []
    for n in range(count):
        answers = {"postcode": "SW9 9AA", "date_of_birth": "2026-10-01", "due_date": None,
                   "language": "pt", "name": f"Parent {n}", "mobile": f"+4479112{n:05d}",
                   "consents": {"sms": True, "evaluation": True}, "about_you": {}}
        references.append(service.start_sign_up(answers).reference)
    db.session.commit()
    return references


def slow_counting(monkeypatch):
    """Widen the gap between counting places and taking one, so the threads really overlap."""
    count = places.places_taken

    def slowly(*args, **kwargs):
        found = count(*args, **kwargs)
        time.sleep(0.2)
        return found

    monkeypatch.setattr(places, "places_taken", slowly)


def race(app, group_id, references):
    """Each parent, on her own connection, takes a place at the same moment."""
    start, outcomes = threading.Barrier(len(references), timeout=30), []

    def sign_up(reference):
        with app.app_context():
            pending = service.find_pending(reference)
            start.wait()
            try:
                service.complete_sign_up(pending, group_id)
                outcomes.append("place")
            except places.GroupFull:
                outcomes.append("full")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sign_up, args=(r,)) for r in references]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_the_last_place_goes_to_exactly_one_of_two_parents(postgres_app, monkeypatch):
    group = pf.open_group(capacity=1, postcode_areas="SW9", max_baby_age_weeks=None)
    references = pending_sign_ups(2)
    slow_counting(monkeypatch)
    outcomes = race(postgres_app, group.id, references)
    assert sorted(outcomes) == ["full", "place"]
    db.session.expire_all()
    enrolled = db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment).where(
        Enrolment.group_id == group.id, Enrolment.status == EnrolmentStatus.ENROLLED))
    assert enrolled == 1


def test_many_parents_at_once_never_exceed_the_capacity(postgres_app, monkeypatch):
    group = pf.open_group(capacity=2, postcode_areas="SW9", max_baby_age_weeks=None)
    references = pending_sign_ups(PARENTS)
    slow_counting(monkeypatch)
    outcomes = race(postgres_app, group.id, references)
    assert outcomes.count("place") == 2 and outcomes.count("full") == PARENTS - 2
    db.session.expire_all()
    assert places.places_left(db.session.get(type(group), group.id)) == 0
