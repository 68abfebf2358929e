"""Test data for the reports: a finished group with registers, about-you answers and pre/post
questionnaires (the demo's own builder, with a seed of the test's choosing)."""

import random

from pairs_group.db import db, utcnow
from pairs_group.demo_evaluation import finished_group
from pairs_group.geo.cli import import_sample
from pairs_group.times import london_today
from tests import factories

_mobiles = iter(range(4000, 99999, 40))


def group_with_data(facilitator=None, size=12, name=None, seed=1, venue=None):
    """A finished group of `size` dyads with everything the reports show; returns the group."""
    rng = random.Random(seed)  # noqa: S311 - test data
    facilitator = facilitator or factories.make_staff("facilitator")
    venue = venue or factories.make_venue()
    spec = (name or f"Finished group {seed}", 30, 2, size, next(_mobiles))
    group = finished_group(rng, spec, venue, facilitator, london_today(utcnow()))
    db.session.commit()
    return group


def deprivation_lookup():
    import_sample()
