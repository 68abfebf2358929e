"""Answering: her response is started once, her answers saved (all or nothing) and read back."""

import sqlalchemy as sa

from pairs_group.db import db, insert_if_new, utcnow
from pairs_group.questionnaires import instruments
from pairs_group.questionnaires.models import (
    Answer,
    HelpKind,
    QuestionnaireResponse,
    Timepoint,
)


class Locked(Exception):
    """The response was submitted: it changes only after staff reopen it."""



def find_response(dyad_id, instrument_id, timepoint):
    return db.session.scalar(sa.select(QuestionnaireResponse).where(
        QuestionnaireResponse.dyad_id == dyad_id,
        QuestionnaireResponse.instrument_id == instrument_id,
        QuestionnaireResponse.timepoint == Timepoint(timepoint)))


def start_response(dyad, instrument, timepoint, language="en", entered_by=None):
    """The response for this dyad, instrument and timepoint: found, or made once (a double tap
    from two tabs makes one row: the unique constraint decides, the loser reads the winner's).
    The caller commits."""
    if find_response(dyad.id, instrument.id, timepoint) is None:
        insert_if_new(QuestionnaireResponse,
                      **_new_response(dyad, instrument, timepoint, language, entered_by))
    return find_response(dyad.id, instrument.id, timepoint)


def unsaved_response(dyad, instrument, timepoint, language="en", entered_by=None):
    """A response not (yet) stored: what a page shows before her first answer or Start, so
    opening a page stores nothing."""
    return QuestionnaireResponse(**_new_response(dyad, instrument, timepoint, language,
                                                 entered_by))


def _new_response(dyad, instrument, timepoint, language, entered_by):
    return {"dyad_id": dyad.id, "instrument_id": instrument.id,
            "instrument_version": instrument.version, "timepoint": Timepoint(timepoint),
            "language_shown": instrument.language_for(language),
            "entered_by_id": entered_by.id if entered_by else None, "current_section": 0}


def response_for(task, language):
    """Her response to this task (plans.Task), started on her first Start, answer or Send."""
    if task.response is None:
        task.response = start_response(task.dyad, task.instrument, task.timepoint, language)
    return task.response


def answer_with_help(task, language, staff, help_language, help_kind):
    """Her response, now answered with help: this member of staff goes through it with her in
    help_language (her earlier answers stay). Her request for help is met. The caller commits."""
    response = response_for(task, language)
    if response.is_submitted:
        raise Locked(response.id)
    response.assisted, response.helped_by_id = True, staff.id
    response.help_language, response.help_kind = help_language, HelpKind(help_kind)
    response.help_requested_at = None
    return response


def ask_for_help(task, language):
    """She would like help with this questionnaire: her response remembers when she asked (the
    first time), and her facilitators see it until her answers are sent. The caller commits."""
    response = response_for(task, language)
    if response.is_submitted:
        raise Locked(response.id)
    response.help_requested_at = response.help_requested_at or utcnow()
    return response


def save_page(task, language, answers, section=None):
    """Her answers from one page or one tap, already read and checked by the form (or
    instruments.read_answer), stored all or nothing in her response. The caller commits."""
    save_answers(response_for(task, language), answers, section)


def save_answers(response, answers, section=None):
    """Store answers {item id: int, str or None (prefer not to answer)}, read and checked by
    instruments.read_answer on the way in (her pages, the autosave, the staff entry form) and
    checked again, whole, when she sends them (scoring.submit); all or nothing."""
    if response.is_submitted:
        raise Locked(response.id)
    instrument = instruments.registry()[response.instrument_id]
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


def upsert_answer(response, answer, item_id, value):
    """Change her answer, or add it once: a second tap racing the first finds the first's row."""
    text_value = value if isinstance(value, str) else None
    number = None if isinstance(value, str) else value
    if answer is None:
        if insert_if_new(Answer, response_id=response.id, item_id=item_id, value=number,
                         text=text_value):
            return
        answer = db.session.scalar(sa.select(Answer).where(
            Answer.response_id == response.id, Answer.item_id == item_id))
    answer.value, answer.text, answer.answered_at = number, text_value, utcnow()


def answers_of(response):
    """{item id: value or text} of everything answered (None: she preferred not to)."""
    return {a.item_id: (a.text if a.text is not None else a.value) for a in response.answers}


def unanswered(response, instrument):
    given = answers_of(response)
    return [item for item in instrument.phone_items if item.id not in given and item.type != "text"]
