"""Two parents taking the last place at the same moment: only one gets it (PostgreSQL)."""

import pytest
import sqlalchemy as sa

from pairs_group.db import db
from pairs_group.parents import places, service
from pairs_group.parents.models import Enrolment, EnrolmentStatus
from tests import parents_factories as pf
from tests.concurrency import at_once, require_postgres, slow_down

PARENTS = 6


@pytest.fixture
def postgres_app(app):
    return require_postgres(app, "the capacity race")


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
    slow_down(monkeypatch, places, "places_taken")


def race(app, group_id, references):
    """Each parent, on her own connection, takes a place at the same moment."""

    def sign_up(reference, start):
        pending = service.find_pending(reference)
        start()
        try:
            service.complete_sign_up(pending, group_id)
            db.session.commit()  # the edge commits (the sign-up page), ending the lock
            return "place"
        except places.GroupFull:
            db.session.rollback()  # as the sign-up page does
            return "full"

    return at_once(app, sign_up, references)


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
