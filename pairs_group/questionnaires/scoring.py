"""Sending answers: score and lock them, raise safeguarding flags; staff reopen, enter and
acknowledge."""

import sqlalchemy as sa
from blinker import signal

from pairs_group.audit.service import record
from pairs_group.db import db, utcnow
from pairs_group.parents.models import Enrolment
from pairs_group.questionnaires import instruments
from pairs_group.questionnaires.answering import Locked, answers_of, start_response, unanswered
from pairs_group.questionnaires.models import (
    Answer,
    ResponseStatus,
    SafeguardingFlag,
    Score,
)

# Sent when a risk answer (PHQ-9 item 9 above 0) is submitted: others may act on it too.
safeguarding_flag_raised = signal("questionnaires.safeguarding_flag_raised")


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


def submit_with_help(response):
    """submit(), for answers a member of staff went through with her: the log says so too."""
    submit(response)
    record("questionnaires.submit_with_help", response, instrument=response.instrument_id,
           timepoint=str(response.timepoint))


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


def open_flags(group_ids=None):
    query = sa.select(SafeguardingFlag).where(SafeguardingFlag.acknowledged_at.is_(None))
    if group_ids is not None:
        dyads = sa.select(Enrolment.dyad_id).where(Enrolment.group_id.in_(group_ids or [-1]))
        query = query.where(SafeguardingFlag.dyad_id.in_(dyads))
    return db.session.scalars(query.order_by(SafeguardingFlag.raised_at)).all()


def acknowledge_flag(flag, staff):
    flag.acknowledged_by_id, flag.acknowledged_at = staff.id, utcnow()
    record("questionnaires.safeguarding_acknowledge", flag, dyad=flag.dyad_id)
