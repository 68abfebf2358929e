"""Texts with links: each parent's questionnaire link queued once, then one reminder."""

from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from pairs_group.audit.service import record
from pairs_group.auth import links
from pairs_group.db import db, utcnow
from pairs_group.parents.models import Enrolment
from pairs_group.questionnaires.models import Timepoint
from pairs_group.questionnaires.plans import ACTIVE, group_plan, is_open, make_task
from pairs_group.sms.service import queue_sms

LINK_MAX_AGE = 60 * 60 * 24 * 21


# ---------------------------------------------------------------- texts with links


def queue_link(parent, kind, key):
    url = links.short_link_url(parent, "questionnaire")
    return queue_sms(kind, key, parent=parent, context={"name": parent.first_name, "url": url})


def parent_tasks_due(enrolment, timepoint, now):
    """True when she has something to answer herself at this timepoint now."""
    if not is_open(enrolment, timepoint, now):
        return False
    return any(make_task(enrolment, i, timepoint) for i in group_plan(enrolment.group)[timepoint])


def send_due_links(now=None):
    """Queue each link once per dyad and timepoint, then one reminder a few days later."""
    now = now or utcnow()
    wait = timedelta(days=current_app.config["QUESTIONNAIRE_REMINDER_DAYS"])
    counts = {"links": 0, "reminders": 0}
    for enrolment in db.session.scalars(sa.select(Enrolment).where(
            Enrolment.status.in_(ACTIVE))).all():
        for timepoint in Timepoint:
            if parent_tasks_due(enrolment, timepoint, now):
                send_one(enrolment, timepoint, now, wait, counts)
    db.session.flush()
    return counts


def send_one(enrolment, timepoint, now, wait, counts):
    from pairs_group.sms.models import OutboxMessage

    parent, base = enrolment.dyad.parent, f"{enrolment.dyad_id}:{timepoint}"
    link = db.session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.idempotency_key == f"questionnaire_link:{base}"))
    if link is None:
        queue_link(parent, "questionnaire_link", f"questionnaire_link:{base}")
        counts["links"] += 1
        return
    key = f"questionnaire_reminder:{base}"
    already = db.session.scalar(sa.select(OutboxMessage.id).where(
        OutboxMessage.idempotency_key == key))
    if already is None and link.created_at + wait <= now:
        queue_link(parent, "questionnaire_reminder", key)
        counts["reminders"] += 1


def send_reminder_now(enrolment, timepoint, staff, today: date):
    """A facilitator's 'send reminder': at most one a day per dyad and timepoint."""
    key = f"questionnaire_reminder:{enrolment.dyad_id}:{timepoint}:staff:{today.isoformat()}"
    message = queue_link(enrolment.dyad.parent, "questionnaire_reminder", key)
    record("questionnaires.send_reminder", enrolment.dyad, timepoint=str(timepoint))
    return message
