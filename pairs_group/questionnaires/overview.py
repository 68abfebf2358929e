"""The staff overview: her groups, and who in a group has started, stopped or sent what."""

import sqlalchemy as sa

from pairs_group.db import db
from pairs_group.groups.models import Group
from pairs_group.groups.service import visible_groups
from pairs_group.parents.models import Enrolment
from pairs_group.questionnaires import instruments
from pairs_group.questionnaires.models import QuestionnaireResponse, ResponseStatus, Timepoint
from pairs_group.questionnaires.plans import ACTIVE, group_plan


def groups_for(staff):
    return db.session.scalars(
        visible_groups(staff).order_by(Group.first_session_at.desc())).all()


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


def help_requests(groups):
    """(enrolment, response) for each questionnaire a parent in these groups asked help with and
    has not sent yet, longest waiting first."""
    return db.session.execute(
        sa.select(Enrolment, QuestionnaireResponse)
        .join(QuestionnaireResponse, QuestionnaireResponse.dyad_id == Enrolment.dyad_id)
        .where(Enrolment.group_id.in_([g.id for g in groups] or [-1]),
               Enrolment.status.in_(ACTIVE),
               QuestionnaireResponse.help_requested_at.is_not(None),
               QuestionnaireResponse.status == ResponseStatus.IN_PROGRESS)
        .order_by(QuestionnaireResponse.help_requested_at)).all()
