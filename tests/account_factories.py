"""Test helpers for a parent's account: a family in a group, and signing in with a real code."""

import itertools
import re
from datetime import date, timedelta

from flask import current_app

from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.db import db, utcnow
from pairs_group.parents.consents import record_consent
from pairs_group.parents.models import ConsentKind, EnrolmentStatus
from tests import factories
from tests.pages import url

_numbers = itertools.count(1000)


def valid_mobile():
    """A real-looking UK mobile number (Ofcom's 07700 900 drama range does not validate)."""
    return f"+4479111{next(_numbers):05d}"


def make_parent(language="en", **details):
    details.setdefault("mobile", valid_mobile())
    return factories.make_dyad(language=language, **details).parent


def family_in_group(language="en", **group_details):
    """A parent and baby enrolled in a new group; returns (parent, enrolment)."""
    dyad = factories.make_dyad(language=language, mobile=valid_mobile())
    group = factories.make_group(**group_details)
    enrolment = factories.enrol(dyad, group)
    db.session.commit()
    return dyad.parent, enrolment


def last_code(mobile):
    """The code in the last text sent to this number (from the recording backend)."""
    sent = current_app.extensions["sms_backend"].sent
    bodies = [m["body"] for m in sent if m["to"] == mobile and m["kind"] == "sign_in_code"]
    return re.search(r"\b(\d{6})\b", bodies[-1]).group(1)


def sign_in_parent(client, parent, remember=False):
    client.post(url(client, "account.sign_in"), data={"mobile": parent.mobile})
    response = client.post(url(client, "account.enter_code"), data={
        "code": last_code(parent.mobile), **({"remember": "y"} if remember else {})})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


def group_under_way(waiting=1):
    """A group of two places that began a fortnight ago: Maria and Joy have the places (both
    came to the first session), others wait."""
    facilitator = factories.make_staff("facilitator")
    group = factories.make_group(first_day=date.today() - timedelta(days=14), capacity=2,
                                 facilitators=[facilitator])
    maria, joy = (factories.make_dyad(name=name, mobile=valid_mobile()) for name in ("Maria",
                                                                                       "Joy"))
    places = [factories.enrol(maria, group), factories.enrol(joy, group)]
    db.session.flush()
    for enrolment in places:
        enrolment.enrolled_at = utcnow() - timedelta(days=20)
        db.session.add(Attendance(enrolment=enrolment, session_id=group.sessions[0].id,
                                  status=AttendanceStatus.ATTENDED))
    queue = [factories.enrol(factories.make_dyad(name=f"Waiting {n}", language="pt",
                                                 mobile=valid_mobile()), group,
                             status=EnrolmentStatus.WAITING) for n in range(waiting)]
    record_consent(maria.parent, ConsentKind.EVALUATION, True)
    record_consent(maria.parent, ConsentKind.SMS, True)
    db.session.commit()
    return facilitator, group, places[0], queue


def next_session(group):
    return next(s for s in group.sessions if s.starts_at > utcnow() + timedelta(hours=2))
