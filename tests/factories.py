"""Factory functions for test data: each makes a valid object with overridable details."""

import functools
import itertools
from datetime import date, time, timedelta

import pyotp

from pairs_group.auth.models import Role, StaffUser
from pairs_group.auth.passwords import hash_password
from pairs_group.db import db, utcnow
from pairs_group.groups.models import Venue
from pairs_group.groups.service import create_group
from pairs_group.parents.models import Baby, Dyad, Enrolment, EnrolmentStatus, Parent

STAFF_PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


@functools.cache
def _staff_password_hash():
    """Hashing is slow on purpose; one hash of the test password serves every test account."""
    return hash_password(STAFF_PASSWORD)


def make_staff(role="admin", email=None, name=None, two_factor=None):
    """Admins have an authenticator app set up (they must); others only when asked."""
    n = next(_numbers)
    user = StaffUser(email=(email or f"staff{n}@example.nhs.uk").lower(), role=Role(role),
                     name=name or f"Staff Member {n}", password_hash=_staff_password_hash())
    db.session.add(user)
    if two_factor if two_factor is not None else role == "admin":
        user.totp_secret = pyotp.random_base32()
    return user


def make_venue(**details):
    venue = Venue(**{"name": f"Children's Centre {next(_numbers)}", "postcode": "SW9 9AA",
                     **details})
    db.session.add(venue)
    return venue


def make_group(first_day=None, start_time=time(10, 0), **details):
    details.setdefault("venue", make_venue())
    details.setdefault("name", f"Together Time {next(_numbers)}")
    return create_group(first_day=first_day or date.today() + timedelta(days=7),
                        start_time=start_time, **details)


def make_dyad(language="en", mobile=None, **parent_details):
    n = next(_numbers)
    parent = Parent(name=parent_details.pop("name", f"Parent {n}"),
                    mobile=mobile or f"+4477009{n:05d}", language=language, **parent_details)
    dyad = Dyad(parent=parent, baby=Baby(name=f"Baby {n}",
                                         date_of_birth=date.today() - timedelta(weeks=12)))
    db.session.add(dyad)
    return dyad


def enrol(dyad, group, status=EnrolmentStatus.ENROLLED):
    enrolment = Enrolment(dyad=dyad, group=group, status=status, enrolled_at=utcnow())
    db.session.add(enrolment)
    return enrolment
