"""Texts with links: each parent's questionnaire link queued once, then one reminder."""

import secrets
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from pairs_group.audit.service import record
from pairs_group.config import public_base_url
from pairs_group.db import db, utcnow
from pairs_group.parents.models import Enrolment
from pairs_group.questionnaires.models import Timepoint
from pairs_group.questionnaires.plans import ACTIVE, group_plan, is_open, make_task
from pairs_group.sms.service import queue_sms
from pairs_group.tokens import make_token

LINK_MAX_AGE = 60 * 60 * 24 * 21


# ---------------------------------------------------------------- texts with links


def link_url(parent):
    """A signed, single-use link; the account feature's landing page checks it, then sends her
    to her questionnaires (built from the URL map: texts are queued outside any request)."""
    token = make_token(parent.id, "questionnaire", n=secrets.token_hex(4))
    path = current_app.url_map.bind("").build(
        "account.follow_link", {"purpose": "questionnaire", "token": token})
    return public_base_url() + path


def first_name(parent):
    return (parent.name or "").split(" ")[0]


def queue_link(parent, kind, key):
    return queue_sms(kind, key, parent=parent,
                     context={"name": first_name(parent), "url": link_url(parent)})


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
    db.session.commit()
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
