"""Test data for the reports: a finished group with registers, about-you answers and pre/post
questionnaires (the demo's own builder, with a seed of the test's choosing)."""

import random
from datetime import timedelta

import sqlalchemy as sa

from pairs_group.db import db, utcnow
from pairs_group.demo_evaluation import finished_group
from pairs_group.geo.cli import import_sample
from pairs_group.parents.models import Dyad, Enrolment, Parent
from pairs_group.referrals.models import Referral, ReferralStatus
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
    refer_some_of(group)
    db.session.commit()
    return group


# (role, team as the referrer typed it): the same midwives' team typed three ways.
REFERRERS = [("midwife", "St Thomas' Midwives"), ("midwife", "st thomas midwives"),
             ("health_visitor", "Lambeth Health Visiting North"), ("gp", "Stockwell GP"),
             ("childrens_centre", "Liz Atkinson Children's Centre"),
             ("mental_health", "Perinatal Mental Health Team"), ("social_care", "Lambeth CSC"),
             ("midwife", "ST THOMAS' MIDWIVES."), ("other", "Family Nurse Partnership")]


def make_referral(role, team, when, parent=None, **details):
    """A professional's referral made at `when`, of `parent` once she has signed up."""
    referral = Referral(
        referrer_name="Referrer", referrer_role=role, referrer_team=team,
        referrer_email="referrer@nhs.example", first_name=parent.name.split()[0] if parent
        else "Family", mobile=parent.mobile if parent else "+447911000000",
        created_at=when, parent=parent,
        status=ReferralStatus.JOINED if parent else ReferralStatus.LAPSED, **details)
    db.session.add(referral)
    return referral


def refer_some_of(group):
    """Two in three of the group's parents came from a professional (made 10 days before she
    signed up, the first pregnant at the time); one more family was referred and never came."""
    parents = db.session.scalars(
        sa.select(Parent).join(Dyad).join(Enrolment).where(Enrolment.group_id == group.id)
        .order_by(Enrolment.id)).all()
    for index, parent in enumerate(parents):
        if index % 3 != 2:
            role, team = REFERRERS[index % len(REFERRERS)]
            baby = parent.dyads[0].baby
            make_referral(role, team, parent.created_at - timedelta(days=10), parent,
                          baby_due_date=baby.due_date,
                          baby_date_of_birth=None if baby.due_date else baby.date_of_birth)
    make_referral("gp", "Stockwell GP", parents[0].created_at - timedelta(days=3),
                  language="pt")


def deprivation_lookup():
    import_sample()
