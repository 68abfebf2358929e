"""How complete the data is: gaps in about-you answers, missing pre/post, registers not taken."""

import sqlalchemy as sa

from pairs_group.db import db
from pairs_group.groups.models import Group, GroupStatus
from pairs_group.parents.models import PREFER_NOT_TO_SAY, Parent
from pairs_group.questionnaires.models import QuestionnaireResponse, ResponseStatus, Timepoint
from pairs_group.reports import attendance, paging, reach
from pairs_group.reports.filters import scoped_enrolments

THRESHOLD = 0.05  # anything missing for more than 5% is highlighted
CORE_INSTRUMENTS = ("prfq", "mors_sf", "loaf", "asq_se2")


def _share(count, total):
    return count / total if total else None


def about_you_gaps(report_filter):
    """Per question: % not answered (skipped or never asked) and % "prefer not to say"."""
    rows, answers = [], reach.answer_counts(report_filter)
    for question, label in reach.QUESTION_LABELS.items():
        counts = answers[question]
        total = sum(counts.values())
        missing, declined = counts.get(reach.NOT_ANSWERED, 0), counts.get(PREFER_NOT_TO_SAY, 0)
        rows.append({"field": question, "label": label, "total": total,
                     "not_answered": missing, "prefer_not_to_say": declined,
                     "not_answered_proportion": _share(missing, total),
                     "prefer_not_to_say_proportion": _share(declined, total)})
    return rows + [_postcode_gaps(report_filter)]


def _postcode_gaps(report_filter):
    parents = reach.scoped_parent_ids(report_filter)
    total, blank = db.session.execute(
        sa.select(sa.func.count(), sa.func.sum(sa.case((sa.func.trim(Parent.postcode) == "", 1),
                                                       else_=0)))
        .select_from(parents).join(Parent, Parent.id == parents.c.parent_id)).one()
    return {"field": "postcode", "label": reach.POSTCODE_LABEL, "total": total,
            "not_answered": int(blank or 0), "prefer_not_to_say": None,
            "not_answered_proportion": _share(int(blank or 0), total),
            "prefer_not_to_say_proportion": None}


def _responses_by_dyad():
    """One row per dyad: a 1/0 column "<instrument>_<timepoint>" for each core questionnaire
    submitted (one pass over the responses, not a lookup per enrolment and questionnaire)."""
    columns = [sa.func.max(sa.case(((QuestionnaireResponse.instrument_id == instrument)
                                    & (QuestionnaireResponse.timepoint == timepoint), 1),
                                   else_=0)).label(f"{instrument}_{timepoint.value}")
               for instrument in CORE_INSTRUMENTS for timepoint in (Timepoint.PRE, Timepoint.POST)]
    return (sa.select(QuestionnaireResponse.dyad_id, *columns)
            .where(QuestionnaireResponse.status == ResponseStatus.SUBMITTED,
                   QuestionnaireResponse.instrument_id.in_(CORE_INSTRUMENTS))
            .group_by(QuestionnaireResponse.dyad_id).subquery())


def missing_questionnaires(report_filter):
    """Per core instrument: enrolments without a pre; enrolments of finished groups without a
    post (a post is not yet due while the group runs). One statement."""
    enrolments = scoped_enrolments(report_filter).add_columns(
        Group.status.label("group_status")).subquery()
    responses = _responses_by_dyad()
    finished = enrolments.c.group_status == GroupStatus.FINISHED
    columns = [sa.func.count(), sa.func.sum(sa.case((finished, 1), else_=0))]
    for instrument in CORE_INSTRUMENTS:
        has_pre = sa.func.coalesce(responses.c[f"{instrument}_{Timepoint.PRE.value}"], 0) == 1
        has_post = sa.func.coalesce(responses.c[f"{instrument}_{Timepoint.POST.value}"], 0) == 1
        columns += [sa.func.sum(sa.case((~has_pre, 1), else_=0)),
                    sa.func.sum(sa.case((finished & ~has_post, 1), else_=0))]
    total, due, *missing = db.session.execute(
        sa.select(*columns).select_from(enrolments)
        .outerjoin(responses, responses.c.dyad_id == enrolments.c.dyad_id)).one()
    rows = []
    for index, instrument in enumerate(CORE_INSTRUMENTS):
        pre, post = missing[2 * index] or 0, missing[2 * index + 1] or 0
        rows.append({"instrument": instrument, "enrolments": total, "missing_pre": int(pre),
                     "missing_pre_proportion": _share(pre, total),
                     "post_due": int(due or 0), "missing_post": int(post),
                     "missing_post_proportion": _share(post, due or 0)})
    return rows


def summary(report_filter, limit=None, page=1):
    return {"threshold": THRESHOLD, "about_you": about_you_gaps(report_filter),
            "questionnaires": missing_questionnaires(report_filter),
            "registers_not_taken": attendance.registers_not_taken(report_filter, limit, page)}


def section_page(report_filter, pages):
    """The section as its page shows it: one page of the registers not taken."""
    return summary(report_filter, paging.PAGE_SIZE, pages["registers"])
