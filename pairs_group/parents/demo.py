"""Demo data for sign-up: consents and "about you" answers for the demo parents, and a small
full group with a waiting list."""

from datetime import time, timedelta

import sqlalchemy as sa

from pairs_group.db import db, utcnow
from pairs_group.groups.models import Group
from pairs_group.groups.service import create_group
from pairs_group.parents.consents import record_consent
from pairs_group.parents.models import (
    AboutYou,
    Baby,
    Consent,
    ConsentKind,
    Dyad,
    Enrolment,
    EnrolmentStatus,
    Parent,
)

# Answers as parents really give them: most answer, some prefer not to say, some skip (None).
ABOUT_YOU = [
    {"ethnic_group": "white_other", "gender": "woman", "age_band": "25_34",
     "relationship_status": "married_or_civil_partner", "first_time_parent": "yes",
     "heard_from": "health_visitor"},
    {"ethnic_group": "mixed_white_black_african", "gender": "woman", "age_band": "18_24",
     "relationship_status": "single", "first_time_parent": "yes", "heard_from": "midwife"},
    {"ethnic_group": "prefer_not_to_say", "gender": "woman", "age_band": "35_44",
     "relationship_status": "prefer_not_to_say", "first_time_parent": "no",
     "heard_from": "friend_or_family"},
    {"ethnic_group": "black_african", "gender": "woman", "age_band": "25_34",
     "relationship_status": "living_together", "first_time_parent": "yes",
     "heard_from": None},
]

# (name, mobile, language, baby's name, baby's age in weeks) of the families waiting.
WAITING = [
    ("Joana Ferreira", "+447700900121", "pt", "Tiago", 9),
    ("Blessing Okafor", "+447700900122", "en", "Ada", 14),
]
# Families holding the full group's three places (none of them is in another group).
FULL = [
    ("Grace Adeyemi", "+447700900123", "en", "Tobi", 11),
    ("Rita Costa", "+447700900124", "pt", "Ines", 15),
    ("Agnieszka Zielinska", "+447700900125", "pl", "Ola", 7),
]
FULL_GROUP = "Together Time Stockwell 4"


def ensure_sign_up_answers(parents):
    """Consents (evaluation: one in five says no) and about-you answers, once per parent."""
    for index, parent in enumerate(parents):
        if not db.session.scalar(sa.select(Consent.id).where(Consent.parent_id == parent.id)):
            record_consent(parent, ConsentKind.SMS, True)
            record_consent(parent, ConsentKind.EVALUATION, index % 5 != 4)
        if not db.session.scalar(sa.select(AboutYou.id).where(AboutYou.parent_id == parent.id)):
            db.session.add(AboutYou(parent=parent, **ABOUT_YOU[index % len(ABOUT_YOU)]))


def ensure_waiting_list(venue, facilitator, first_day):
    """A group of 3 places, full, with two families waiting."""
    group = db.session.scalar(sa.select(Group).where(Group.name == FULL_GROUP))
    if group is not None:
        return group
    group = create_group(name=FULL_GROUP, venue=venue, first_day=first_day,
                         start_time=time(10, 30), capacity=3, languages=("en", "pt"),
                         facilitators=[facilitator], postcode_areas="SW9 SW2 SE5 SE11 SW8")
    for order, (name, mobile, language, baby, weeks) in enumerate(FULL):
        enrolment = demo_family(group, name, mobile, language, baby, weeks, order,
                                EnrolmentStatus.ENROLLED)
        enrolment.enrolled_at = enrolment.created_at
        db.session.add(enrolment)
    for order, (name, mobile, language, baby, weeks) in enumerate(WAITING):
        db.session.add(demo_family(group, name, mobile, language, baby, weeks, order))
    return group


def demo_family(group, name, mobile, language, baby_name, weeks, order,
                status=EnrolmentStatus.WAITING):
    parent = db.session.scalar(sa.select(Parent).where(Parent.mobile == mobile)) or Parent(
        name=name, mobile=mobile, language=language, postcode="SW9 8BX")
    dyad = Dyad(parent=parent, baby=Baby(
        name=baby_name, date_of_birth=utcnow().date() - timedelta(weeks=weeks)))
    return Enrolment(dyad=dyad, group=group, status=status,
                     created_at=utcnow() - timedelta(days=7 - order))


def create_sign_up_demo(venue, facilitator, first_day):
    """Everything above, safe to run again; returns the full group."""
    group = ensure_waiting_list(venue, facilitator, first_day)
    db.session.flush()
    ensure_sign_up_answers(db.session.scalars(sa.select(Parent).order_by(Parent.id)).all())
    db.session.commit()
    return group
