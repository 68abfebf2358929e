"""Every staff page that shows a named parent's data writes an audit event: the test opens every
page of the access matrix as each staff role, with texts, replies and opt-outs on file, and
fails for a page that shows a parent's name or mobile number but records nothing."""

import re

import pytest
import sqlalchemy as sa
from flask import g

from pairs_group.access import ACCESS, ALL_STAFF
from pairs_group.audit.models import AuditEvent
from pairs_group.db import db, utcnow
from pairs_group.parents.models import EnrolmentStatus, Parent
from pairs_group.questionnaires import answering, instruments
from pairs_group.questionnaires.models import SafeguardingFlag, Timepoint
from pairs_group.sms.models import (
    InboundAction,
    InboundMessage,
    MessageStatus,
    OptOutEvent,
    OutboxMessage,
)
from tests import factories
from tests.page_samples import build_world, sample_urls, sign_in_test_client


def on_file(world):
    """A text to each parent, a reply from one waiting to be read, one who said STOP, a
    safeguarding flag, and a parent on the waiting list."""
    waiting = factories.make_dyad(name="Wanjiru Waiting", mobile="+447911123459")
    factories.enrol(waiting, world.group, status=EnrolmentStatus.WAITING)
    response = answering.start_response(world.enrolment.dyad, instruments.get("prfq"),
                                      Timepoint.PRE)
    db.session.flush()
    db.session.add(SafeguardingFlag(dyad_id=world.enrolment.dyad_id, response_id=response.id,
                                    item_id="9", value=2))
    parents = db.session.scalars(sa.select(Parent).order_by(Parent.id)).all()
    for parent in parents:
        db.session.add(OutboxMessage(
            idempotency_key=f"sample:{parent.id}", kind="welcome", to=parent.mobile,
            parent_id=parent.id, language=parent.language, body="Welcome to Together Time",
            status=MessageStatus.SENT))
    db.session.add(InboundMessage(from_number=parents[0].mobile, parent_id=parents[0].id,
                                  body="Can I bring my sister?", action=InboundAction.INBOX))
    parents[-1].sms_opted_out_at = utcnow()
    db.session.add(OptOutEvent(parent_id=parents[-1].id, number=parents[-1].mobile,
                               opted_out=True, source="keyword", keyword="STOP"))
    db.session.commit()
    return parents


def personal_details(parents):
    """Each parent's name, and her number as E.164 and as written in the UK (07911 123450)."""
    found = set()
    for parent in parents:
        national = "0" + parent.mobile.removeprefix("+44")
        found |= {parent.name, parent.mobile, national, f"{national[:5]} {national[5:]}"}
    return found


def audit_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


def shown(html, details):
    text = re.sub(r"\s+", " ", html)
    return sorted(detail for detail in details if detail in text)


@pytest.fixture
def world(make_app):
    app = make_app(STAFF_TOTP_REQUIRED_FOR_ADMINS=False)
    with app.test_request_context():
        world = build_world()
        world.details = personal_details(on_file(world))
        world.urls = sample_urls(app, world)
        world.app = app
        yield world


@pytest.mark.parametrize("role", sorted(ALL_STAFF))
def test_every_staff_page_showing_a_parent_is_audited(world, role):
    client = sign_in_test_client(world.app.test_client(), world.users[role])
    unaudited, checked = [], 0
    for endpoint, url in world.urls:
        if role not in ACCESS.get(endpoint, ()):
            continue
        before = audit_count()
        g.pop("_login_user", None)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        seen = shown(response.get_data(as_text=True), world.details)
        checked += bool(seen)
        if seen and audit_count() == before:
            unaudited.append(f"{url} ({endpoint}) shows {seen}")
    assert not unaudited, "staff pages showing personal data with no audit event:\n" + "\n".join(
        unaudited)
    assert checked or role == "evaluator", f"no page showed a parent to a {role}"


def test_the_check_finds_a_name_on_a_page():
    assert shown("<td>Amal   EN</td>", {"Amal EN", "07911 123450"}) == ["Amal EN"]
