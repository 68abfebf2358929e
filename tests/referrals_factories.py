"""Test helpers for referrals: a referral as stored, and the form a professional fills in."""

import itertools
from datetime import date, timedelta

from pairs_group.db import db, utcnow
from pairs_group.referrals.models import Referral, ReferralStatus

_numbers = itertools.count(5000)


def new_mobile():
    return f"07911 1{next(_numbers):05d}"


def make_referral(**details):
    """A midwife's referral of a pregnant mother, invited a moment ago (not committed)."""
    number = next(_numbers)
    values = {"referrer_name": "Rose Midwife", "referrer_role": "midwife",
              "referrer_team": "King's community midwives", "referrer_phone": "+447911190000",
              "first_name": "Amal", "mobile": f"+4479111{number:05d}", "language": "ar",
              "baby_due_date": date.today() + timedelta(weeks=10), "postcode": "SW9 9AA",
              "status": ReferralStatus.INVITED, "invited_at": utcnow(),
              "consent_confirmed": True, **details}
    referral = Referral(**values)
    db.session.add(referral)
    db.session.flush()
    return referral


def form(**extra):
    """What a midwife types on /refer for a pregnant mother who reads Arabic."""
    due = date.today() + timedelta(weeks=10)
    return {"referrer_name": "Rose Midwife", "referrer_role": "midwife",
            "referrer_team": "King's community midwives", "referrer_email": "",
            "referrer_phone": "07911 190000", "tell_referrer": "yes",
            "first_name": "Amal", "mobile": new_mobile(), "language": "ar",
            "postcode": "sw9 9aa", "baby_status": "pregnant", "due_date[day]": str(due.day),
            "due_date[month]": str(due.month), "due_date[year]": str(due.year),
            "interpreter": "no", "interpreter_language": "", "notes": "", "consent": "y",
            **extra}
