"""The demo data shows sign-up at work: consents, "about you" answers and a waiting list."""

import sqlalchemy as sa

from pairs_group.db import db
from pairs_group.demo import create_demo_data
from pairs_group.groups.models import Group
from pairs_group.parents import places
from pairs_group.parents.demo import FULL_GROUP
from pairs_group.parents.models import AboutYou, Consent, Parent
from tests.conftest import count_rows


def test_demo_parents_have_consents_about_you_and_a_waiting_list(app):
    create_demo_data()
    create_demo_data()  # twice: nothing doubles
    parents = count_rows(Parent)
    assert count_rows(AboutYou) == parents
    assert count_rows(Consent) == 2 * parents
    group = db.session.scalar(sa.select(Group).where(Group.name == FULL_GROUP))
    assert len(places.waiting_list(group.id)) == 2 and places.places_left(group) == 0
    answers = db.session.scalars(sa.select(AboutYou.ethnic_group)).all()
    assert "prefer_not_to_say" in answers
