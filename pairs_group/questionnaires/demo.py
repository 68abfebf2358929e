"""Demo data: a parent who has started her "before" PRFQ, so "Carry on" can be tried."""

from pairs_group.db import db
from pairs_group.questionnaires import answering, instruments
from pairs_group.questionnaires.models import Timepoint


def create_questionnaire_demo(dyad):
    """Three PRFQ answers for this dyad's open "before" task (once: nothing if already there)."""
    prfq = instruments.get("prfq")
    if prfq is None or answering.find_response(dyad.id, "prfq", Timepoint.PRE) is not None:
        return
    response = answering.start_response(dyad, prfq, Timepoint.PRE, dyad.parent.language)
    answering.save_answers(response, {"1": 2, "2": 5, "3": 6})
    db.session.commit()
