"""Demo referrals: every source, over the past year, most of them joined (the families of the
finished demo groups, so the time to a first session is real), some invited, reminded, lapsed,
declined or not eligible, and a few teams that refer most (the "super referrer" risk)."""

import random
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from pairs_group.db import db
from pairs_group.parents.models import AboutYou, Enrolment, Parent
from pairs_group.referrals.models import Referral, ReferralStatus
from pairs_group.times import london_moment

# (role, team, referrer, weight): the evaluation's mix, midwives and health visitors first.
REFERRERS = [
    ("midwife", "King's College Hospital community midwives", "Rose Adebayo", 14),
    ("midwife", "St Thomas' Hospital midwives", "Megan Price", 8),
    ("health_visitor", "Stockwell health visiting team", "Joy Mensah", 12),
    ("health_visitor", "Brixton health visiting team", "Helen Ward", 5),
    ("childrens_centre", "Better Start, Stockwell Children's Centre", "Lola Santos", 11),
    ("gp", "Stockwell Group Practice", "Dr Sam Patel", 5),
    ("mental_health", "Lambeth perinatal mental health team", "Ana Ribeiro", 5),
    ("social_care", "Lambeth children's social care", "Nia Brown", 3),
    ("other", "Lambeth Family Hub", "Kate Green", 3),
]
DEMO_EMAIL = "@referrers.demo.example.org"
# (first name, language, status, days ago) of families who have not joined.
NOT_JOINED = [
    ("Samira", "ar", ReferralStatus.INVITED, 2), ("Lucía", "es", ReferralStatus.INVITED, 9),
    ("Hodan", "so", ReferralStatus.INVITED, 12), ("Marta", "pl", ReferralStatus.NEW, 1),
    ("Inês", "pt", ReferralStatus.LAPSED, 40), ("Claire", "fr", ReferralStatus.LAPSED, 75),
    ("Precious", "en", ReferralStatus.LAPSED, 130), ("Yasmin", "ar", ReferralStatus.LAPSED, 200),
    ("Ewa", "pl", ReferralStatus.DECLINED, 60), ("Ama", "en", ReferralStatus.DECLINED, 150),
    ("Rita", "pt", ReferralStatus.DECLINED, 260), ("Ifrah", "so", ReferralStatus.NOT_ELIGIBLE, 90),
    ("Zara", "en", ReferralStatus.NOT_ELIGIBLE, 220),
]


def referrer(rng, index=None):
    """Each referrer once first (so every source shows), then as often as the mix says."""
    row = REFERRERS[index] if index is not None and index < len(REFERRERS) else rng.choices(
        REFERRERS, weights=[r[3] for r in REFERRERS])[0]
    role, team, name, _weight = row
    email = name.lower().replace(" ", ".").replace("dr.", "") + DEMO_EMAIL
    return {"referrer_role": role, "referrer_team": team, "referrer_name": name,
            "referrer_email": email, "tell_referrer": rng.random() < 0.5,
            "referrer_phone": "+447911190000" if rng.random() < 0.5 else ""}


def joined_referral(rng, enrolment, index):
    """Referred a few weeks before her place; pregnant then if her baby came after."""
    parent, baby = enrolment.dyad.parent, enrolment.dyad.baby
    created = enrolment.enrolled_at - timedelta(days=rng.randint(10, 45))
    born_after = baby.date_of_birth and baby.date_of_birth > created.date()
    return Referral(
        status=ReferralStatus.JOINED, created_at=created, invited_at=created,
        joined_at=enrolment.enrolled_at, parent=parent, first_name=parent.first_name,
        mobile=parent.mobile, language=parent.language, postcode=parent.postcode,
        baby_due_date=baby.date_of_birth if born_after else None,
        baby_date_of_birth=None if born_after else baby.date_of_birth,
        consent_confirmed=True, **referrer(rng, index))


def waiting_referral(rng, number, row, now):
    first_name, language, status, days_ago = row
    created = now - timedelta(days=days_ago)
    closed = created + timedelta(days=21 if status == ReferralStatus.LAPSED else 5)
    return Referral(
        status=status, created_at=created, first_name=first_name, language=language,
        mobile=f"+44770090{number:04d}", postcode="SW9 8BX", consent_confirmed=True,
        baby_due_date=(created + timedelta(weeks=rng.randint(4, 20))).date(),
        invited_at=None if status == ReferralStatus.NEW else created,
        reminded_at=created + timedelta(days=7) if days_ago > 7 and
        status != ReferralStatus.NEW else None,
        closed_at=closed if status not in (ReferralStatus.INVITED, ReferralStatus.NEW) else None,
        notes="Prefers a call in the afternoon." if number % 3 == 0 else "", **referrer(rng))


def create_referral_demo(now=None):
    """Once: referrals for most families of the finished demo groups, and the others."""
    if db.session.scalar(sa.select(Referral.id).where(Referral.referrer_email.like(
            "%" + DEMO_EMAIL)).limit(1)) is not None:
        return
    rng = random.Random(19)  # noqa: S311 - made-up demo data, the same every time
    now = now or london_moment(datetime.now(UTC).date(), time(12))
    enrolments = db.session.scalars(sa.select(Enrolment).join(Enrolment.dyad).where(
        Enrolment.enrolled_at.is_not(None)).order_by(Enrolment.id)).all()
    referred = [e for index, e in enumerate(enrolments) if index % 4 != 3]  # some found it
    for index, enrolment in enumerate(referred):
        referral = joined_referral(rng, enrolment, index)
        db.session.add(referral)
        note_heard_from(enrolment.dyad.parent, referral.referrer_role)
    for number, row in enumerate(NOT_JOINED, start=800):
        db.session.add(waiting_referral(rng, number, row, now))
    db.session.commit()


def note_heard_from(parent: Parent, role):
    about = db.session.scalar(sa.select(AboutYou).where(AboutYou.parent_id == parent.id))
    if about is not None:
        about.heard_from = role
