"""Questionnaire operations: who is asked what and when, saving answers, scoring, reminders."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from blinker import signal
from flask import current_app
from sqlalchemy.exc import IntegrityError

from pairs_group.audit.service import record
from pairs_group.config import public_base_url
from pairs_group.db import db, utcnow
from pairs_group.groups.models import Group
from pairs_group.parents.models import Dyad, Enrolment, EnrolmentStatus
from pairs_group.questionnaires import instruments
from pairs_group.questionnaires.models import (
    Answer,
    GroupInstrument,
    QuestionnaireResponse,
    ResponseStatus,
    SafeguardingFlag,
    Score,
    Timepoint,
)
from pairs_group.sms.service import queue_sms
from pairs_group.tokens import make_token

# Sent when a risk answer (PHQ-9 item 9 above 0) is submitted: others may act on it too.
safeguarding_flag_raised = signal("questionnaires.safeguarding_flag_raised")

LINK_MAX_AGE = 60 * 60 * 24 * 21
ACTIVE = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)


class Locked(Exception):
    """The response was submitted: it changes only after staff reopen it."""


class NotAllowed(Exception):
    """This instrument or timepoint is not one this person may answer now."""


@dataclass
class Task:
    dyad: Dyad
    instrument: instruments.Instrument
    timepoint: Timepoint
    response: QuestionnaireResponse | None
    closes_at: datetime

    @property
    def started(self):
        return self.response is not None and bool(self.response.answers)


# ---------------------------------------------------------------- plans and windows


def default_plan():
    """The plan: config QUESTIONNAIRE_PLAN, plus optional measures switched on."""
    plan = current_app.config["QUESTIONNAIRE_PLAN"]
    extra = list(current_app.config["QUESTIONNAIRES_OPTIONAL"])
    return {Timepoint(tp): list(ids) + [i for i in extra if i not in ids]
            for tp, ids in plan.items()}


def group_plan(group):
    """{timepoint: [instrument ids]} for this group (its own rows, else the default)."""
    rows = db.session.scalars(sa.select(GroupInstrument).where(
        GroupInstrument.group_id == group.id)).all()
    if not rows:
        plan = default_plan()
    else:
        plan = {tp: [] for tp in Timepoint}
        for row in sorted(rows, key=lambda r: r.id):
            plan[row.timepoint].append(row.instrument_id)
    return {tp: [i for i in plan.get(tp, []) if instruments.get(i)] for tp in Timepoint}


def set_group_plan(group, plan):
    """Replace the group's plan ({timepoint: [ids]}), audited."""
    db.session.execute(sa.delete(GroupInstrument).where(GroupInstrument.group_id == group.id))
    for timepoint, ids in plan.items():
        for instrument_id in ids:
            db.session.add(GroupInstrument(group_id=group.id, instrument_id=instrument_id,
                                           timepoint=Timepoint(timepoint)))
    record("questionnaires.plan_change", group,
           plan={str(tp): list(ids) for tp, ids in plan.items()})


def running_sessions(group):
    return [s for s in group.sessions if not s.is_cancelled]


def window(enrolment, timepoint):
    """(opens, closes) in UTC: pre from enrolment to the end of session 2; post from the last
    session to 3 weeks after it (both configurable)."""
    sessions = running_sessions(enrolment.group)
    if not sessions:
        return None
    if timepoint == Timepoint.PRE:
        last_pre = current_app.config["QUESTIONNAIRE_PRE_UNTIL_SESSION"]
        opens = enrolment.enrolled_at or enrolment.created_at or utcnow()
        return opens, sessions[min(last_pre, len(sessions)) - 1].ends_at
    weeks = current_app.config["QUESTIONNAIRE_POST_WEEKS"]
    return sessions[-1].starts_at, sessions[-1].ends_at + timedelta(weeks=weeks)


def is_open(enrolment, timepoint, now):
    found = window(enrolment, timepoint)
    return found is not None and found[0] <= now <= found[1]


def active_enrolments(parent):
    return [e for dyad in parent.dyads for e in dyad.enrolments if e.status in ACTIVE]


def find_response(dyad_id, instrument_id, timepoint):
    return db.session.scalar(sa.select(QuestionnaireResponse).where(
        QuestionnaireResponse.dyad_id == dyad_id,
        QuestionnaireResponse.instrument_id == instrument_id,
        QuestionnaireResponse.timepoint == Timepoint(timepoint)))


def open_tasks(parent, now=None):
    """What she can answer now, on her phone: her home page shows these."""
    now = now or utcnow()
    tasks = {}  # one per dyad, instrument and timepoint, even if she is in two groups
    for enrolment in active_enrolments(parent):
        for timepoint, ids in group_plan(enrolment.group).items():
            if not is_open(enrolment, timepoint, now):
                continue
            for instrument_id in ids:
                task = make_task(enrolment, instrument_id, timepoint)
                key = (enrolment.dyad_id, instrument_id, str(timepoint))
                if task is not None and key not in tasks:
                    tasks[key] = task
    return list(tasks.values())


def make_task(enrolment, instrument_id, timepoint):
    instrument = instruments.get(instrument_id)
    if instrument is None or not instrument.parent_can_answer:
        return None
    response = find_response(enrolment.dyad_id, instrument_id, timepoint)
    if response is not None and response.is_submitted:
        return None
    return Task(enrolment.dyad, instrument, Timepoint(timepoint), response,
                window(enrolment, timepoint)[1])


def task_for(parent, dyad_id, instrument_id, timepoint, now=None):
    """Her task for this dyad/instrument/timepoint if it is open, else NotAllowed."""
    for task in open_tasks(parent, now):
        if (task.dyad.id, task.instrument.id, str(task.timepoint)) == (
                dyad_id, instrument_id, timepoint):
            return task
    raise NotAllowed(instrument_id)


# ---------------------------------------------------------------- answering


def start_response(dyad, instrument, timepoint, language="en", entered_by=None):
    """The response for this dyad, instrument and timepoint: found, or made once (a double tap
    from two tabs makes one row: the unique constraint decides, the loser reads the winner's)."""
    found = find_response(dyad.id, instrument.id, timepoint)
    if found is not None:
        return found
    response = QuestionnaireResponse(
        dyad_id=dyad.id, instrument_id=instrument.id, instrument_version=instrument.version,
        timepoint=Timepoint(timepoint), language_shown=instrument.language_for(language),
        entered_by_id=entered_by.id if entered_by else None)
    try:
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:
        return find_response(dyad.id, instrument.id, timepoint)
    return response


def save_answers(response, answers, section=None):
    """Store answers {item id: int, str or None (prefer not to answer)}; all or nothing."""
    if response.is_submitted:
        raise Locked(response.id)
    instrument = instruments.registry()[response.instrument_id]
    check_declines(instrument, answers)
    instruments.check_answers(instrument, answers)
    existing = {a.item_id: a for a in response.answers}
    db.session.flush()  # a new response gets its id before its answers point at it
    for item_id, value in answers.items():
        upsert_answer(response, existing.get(str(item_id)), str(item_id), value)
    db.session.expire(response, ["answers"])
    if section is not None:
        response.current_section = section
    elif answers:
        response.current_section = instrument.section_of(str(list(answers)[-1]))
    response.updated_at = utcnow()


def check_declines(instrument, answers):
    """'Prefer not to answer' only where the instrument allows missing answers."""
    for item_id, value in answers.items():
        item = instrument.by_id.get(str(item_id))
        if value is None and item is not None and item.type != "text" and (
                not instrument.allow_missing):
            raise instruments.AnswerError(f"item {item_id} needs an answer", str(item_id))


def upsert_answer(response, answer, item_id, value):
    """Change her answer, or add it once: a second tap racing the first finds the first's row."""
    text_value = value if isinstance(value, str) else None
    number = None if isinstance(value, str) else value
    if answer is None:
        answer = Answer(response_id=response.id, item_id=item_id, value=number, text=text_value)
        try:
            with db.session.begin_nested():
                db.session.add(answer)
            return
        except IntegrityError:
            answer = db.session.scalar(sa.select(Answer).where(
                Answer.response_id == response.id, Answer.item_id == item_id))
    answer.value, answer.text, answer.answered_at = number, text_value, utcnow()


def answers_of(response):
    """{item id: value or text} of everything answered (None: she preferred not to)."""
    return {a.item_id: (a.text if a.text is not None else a.value) for a in response.answers}


def unanswered(response, instrument):
    given = answers_of(response)
    return [item for item in instrument.phone_items if item.id not in given and item.type != "text"]


def submit(response):
    """Score and lock. Scores keep the instrument's id and version and the language shown."""
    if response.is_submitted:
        raise Locked(response.id)
    instrument = instruments.registry()[response.instrument_id]
    if unanswered(response, instrument) and not instrument.allow_missing and (
            response.entered_by_id is None):
        raise instruments.AnswerError("every question needs an answer")
    store_scores(response, instrument)
    response.status, response.submitted_at = ResponseStatus.SUBMITTED, utcnow()
    response.instrument_version = instrument.version
    raise_safeguarding_flags(response, instrument)
    record("questionnaires.submit", response, instrument=instrument.id,
           version=instrument.version, timepoint=str(response.timepoint))


def store_scores(response, instrument):
    numeric = {k: v for k, v in answers_of(response).items() if not isinstance(v, str)}
    scores = instruments.score(instrument, numeric)
    db.session.execute(sa.delete(Score).where(Score.response_id == response.id))
    for subscale, (value, valid) in scores.items():
        db.session.add(Score(response_id=response.id, subscale=subscale, value=value,
                             valid=valid))


def raise_safeguarding_flags(response, instrument):
    given = answers_of(response)
    for item_id, lowest in instrument.data.get("safeguarding_items", {}).items():
        value = given.get(item_id)
        if isinstance(value, int) and value >= lowest:
            flag = SafeguardingFlag(dyad_id=response.dyad_id, response_id=response.id,
                                    item_id=item_id, value=value)
            db.session.add(flag)
            db.session.flush()
            record("questionnaires.safeguarding_flag", flag, instrument=instrument.id,
                   item=item_id)
            safeguarding_flag_raised.send(flag)


def reopen(response):
    """Staff unlock a submitted response (audited); its scores go until it is submitted again."""
    if not response.is_submitted:
        return
    old = {s.subscale: s.value for s in response.scores}
    db.session.execute(sa.delete(Score).where(Score.response_id == response.id))
    db.session.expire(response, ["scores"])
    response.status, response.submitted_at = ResponseStatus.IN_PROGRESS, None
    record("questionnaires.reopen", response, scores=old)


def enter_for_dyad(dyad, instrument, timepoint, answers, staff, rater="", assessed_on=None):
    """A practitioner's entry (LOAF, ASQ:SE-2, paper MORS): store the answers and score them."""
    response = start_response(dyad, instrument, timepoint, "en", entered_by=staff)
    if response.is_submitted:
        raise Locked(response.id)
    instruments.check_answers(instrument, {k: v for k, v in answers.items() if v is not None})
    db.session.execute(sa.delete(Answer).where(Answer.response_id == response.id))
    db.session.expire(response, ["answers"])
    db.session.flush()
    clean = {k: v for k, v in answers.items() if v is not None}
    for item_id, value in clean.items():
        db.session.add(Answer(response_id=response.id, item_id=item_id, value=value))
    db.session.flush()
    db.session.expire(response, ["answers"])
    response.entered_by_id, response.rater, response.assessed_on = staff.id, rater, assessed_on
    submit(response)
    return response


# ---------------------------------------------------------------- facilitators


def responses_for(dyad_ids):
    rows = db.session.scalars(sa.select(QuestionnaireResponse).where(
        QuestionnaireResponse.dyad_id.in_(dyad_ids or [-1]))).all()
    return {(r.dyad_id, r.instrument_id, str(r.timepoint)): r for r in rows}


def completion_overview(group):
    """Per enrolled dyad: each planned (timepoint, instrument) and its response, if any."""
    enrolments = [e for e in group_enrolments(group)]
    found = responses_for([e.dyad_id for e in enrolments])
    plan = group_plan(group)
    rows = []
    for enrolment in enrolments:
        cells = [(tp, instruments.get(i), found.get((enrolment.dyad_id, i, str(tp))))
                 for tp in Timepoint for i in plan[tp]]
        rows.append({"enrolment": enrolment, "dyad": enrolment.dyad, "cells": cells})
    return plan, rows


def group_enrolments(group):
    return db.session.scalars(sa.select(Enrolment).where(
        Enrolment.group_id == group.id, Enrolment.status.in_(ACTIVE))
        .order_by(Enrolment.id)).all()


def open_flags(group_ids=None):
    query = sa.select(SafeguardingFlag).where(SafeguardingFlag.acknowledged_at.is_(None))
    if group_ids is not None:
        dyads = sa.select(Enrolment.dyad_id).where(Enrolment.group_id.in_(group_ids or [-1]))
        query = query.where(SafeguardingFlag.dyad_id.in_(dyads))
    return db.session.scalars(query.order_by(SafeguardingFlag.raised_at)).all()


def acknowledge_flag(flag, staff):
    flag.acknowledged_by_id, flag.acknowledged_at = staff.id, utcnow()
    record("questionnaires.safeguarding_acknowledge", flag, dyad=flag.dyad_id)


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


def groups_for(staff, is_admin):
    query = sa.select(Group).order_by(Group.first_session_at.desc())
    groups = db.session.scalars(query).all()
    return groups if is_admin else [g for g in groups if staff in g.facilitators]


def home_tasks(parent, now=None):
    """Her open questionnaires as (title, url, due) for her home page (the account feature,
    a higher layer, calls this: we cannot import it)."""
    from flask import url_for
    from flask_babel import get_locale

    language = str(get_locale() or parent.language)
    return [(task.instrument.title_markup(language),
             url_for("questionnaires.about", dyad_id=task.dyad.id,
                     instrument_id=task.instrument.id, timepoint=str(task.timepoint)),
             task.closes_at)
            for task in open_tasks(parent, now)]
