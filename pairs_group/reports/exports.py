"""Pseudonymised exports for evaluators: one CSV per table and a codebook, streamed from SQL.

Stable random ids (Dyad.pseudonym) only: no names, phone numbers, emails, dates of birth or full
postcodes (the postcode district at most). Free-text answers stay out: they can name people.
"""

import sqlalchemy as sa

from pairs_group.attendance.models import Attendance
from pairs_group.db import db
from pairs_group.geo import service as geo
from pairs_group.groups.models import Group, GroupSession
from pairs_group.parents import choices
from pairs_group.parents.models import AboutYou, Dyad, Enrolment, Parent
from pairs_group.questionnaires.models import (
    Answer,
    QuestionnaireResponse,
    ResponseStatus,
    Score,
)
from pairs_group.reports import codebook, referrals
from pairs_group.reports.csvfiles import csv_lines
from pairs_group.reports.filters import (
    scoped_dyad_ids,
    scoped_enrolments,
    session_conditions,
    taken_place,
)
from pairs_group.times import in_london

BATCH = 1000
ABOUT_YOU = ("ethnic_group", "gender", "age_band", "relationship_status", "first_time_parent",
             "heard_from")


def _stream(query):
    """Rows fetched in batches (server-side on PostgreSQL): memory stays flat however many."""
    return db.session.execute(query.execution_options(yield_per=BATCH))


def _day(moment):
    return in_london(moment).date().isoformat() if moment else ""


def dyads(report_filter):
    edition, boundary = geo.latest_edition()
    decile = (geo.decile_query(Parent.postcode, edition, boundary) if edition
              else sa.null()).label("imd_decile")
    query = (sa.select(Dyad.pseudonym, Parent.relationship_to_baby, Parent.language,
                       Parent.postcode, decile,
                       *[getattr(AboutYou, name) for name in ABOUT_YOU])
             .join(Parent, Parent.id == Dyad.parent_id)
             .outerjoin(AboutYou, AboutYou.parent_id == Parent.id)
             .where(Dyad.id.in_(scoped_dyad_ids(report_filter))).order_by(Dyad.pseudonym))
    for row in _stream(query):
        answers = [getattr(row, name) or "" for name in ABOUT_YOU]
        yield (row.pseudonym, row.relationship_to_baby, row.language,
               geo.postcode_district(row.postcode), row.imd_decile, edition or "",
               answers[0], choices.ETHNIC_GROUP_OF.get(answers[0], answers[0]), *answers[1:])


def enrolments(report_filter):
    scoped = scoped_enrolments(report_filter).subquery()
    query = (sa.select(Dyad.pseudonym, Enrolment.group_id, Group.venue_id,
                       Group.first_session_at, Enrolment.status, Enrolment.enrolled_at,
                       Enrolment.ended_at)
             .join(scoped, scoped.c.enrolment_id == Enrolment.id)
             .join(Dyad, Dyad.id == Enrolment.dyad_id).join(Group, Group.id == Enrolment.group_id)
             .order_by(Dyad.pseudonym, Enrolment.group_id))
    for row in _stream(query):
        yield (row.pseudonym, row.group_id, row.venue_id, _day(row.first_session_at),
               row.status, _day(row.enrolled_at), _day(row.ended_at))


def attendance(report_filter):
    query = (sa.select(Dyad.pseudonym, GroupSession.group_id, GroupSession.number,
                       GroupSession.starts_at, Attendance.status)
             .select_from(Attendance)
             .join(Enrolment, Enrolment.id == Attendance.enrolment_id)
             .join(Dyad, Dyad.id == Enrolment.dyad_id).join(Parent, Parent.id == Dyad.parent_id)
             .join(GroupSession, GroupSession.id == Attendance.session_id)
             .join(Group, Group.id == GroupSession.group_id)
             .where(*session_conditions(report_filter), taken_place())
             .order_by(GroupSession.group_id, GroupSession.number, Dyad.pseudonym))
    for row in _stream(query):
        yield (row.pseudonym, row.group_id, row.number, _day(row.starts_at), row.status)


def responses(report_filter):
    query = (sa.select(QuestionnaireResponse.id, Dyad.pseudonym,
                       QuestionnaireResponse.instrument_id,
                       QuestionnaireResponse.instrument_version, QuestionnaireResponse.timepoint,
                       QuestionnaireResponse.status, QuestionnaireResponse.language_shown,
                       QuestionnaireResponse.entered_by_id, QuestionnaireResponse.submitted_at,
                       QuestionnaireResponse.assisted, QuestionnaireResponse.help_language,
                       QuestionnaireResponse.help_kind)
             .join(Dyad, Dyad.id == QuestionnaireResponse.dyad_id)
             .where(QuestionnaireResponse.dyad_id.in_(scoped_dyad_ids(report_filter)))
             .order_by(QuestionnaireResponse.id))
    for row in _stream(query):
        yield (row.id, row.pseudonym, row.instrument_id, row.instrument_version, row.timepoint,
               row.status, row.language_shown, "staff" if row.entered_by_id else "parent",
               _day(row.submitted_at), int(row.assisted), row.help_language,
               row.help_kind or "")


def answers(report_filter):
    query = (sa.select(Answer.response_id, Dyad.pseudonym, QuestionnaireResponse.instrument_id,
                       QuestionnaireResponse.timepoint, Answer.item_id, Answer.value)
             .join(QuestionnaireResponse, QuestionnaireResponse.id == Answer.response_id)
             .join(Dyad, Dyad.id == QuestionnaireResponse.dyad_id)
             .where(QuestionnaireResponse.dyad_id.in_(scoped_dyad_ids(report_filter)))
             .order_by(Answer.response_id, Answer.item_id))
    for row in _stream(query):
        yield tuple(row)


def score_subscales(report_filter):
    """Every subscale scored in the data, in a fixed order: the columns of scores.csv."""
    found = set(db.session.scalars(sa.select(Score.subscale).distinct()))
    known = [s for s in codebook.SUBSCALE_ORDER if s in found]
    return known + sorted(found - set(known))


def scores(report_filter, subscales):
    """One row per dyad x instrument x timepoint (submitted), a column per subscale; a score
    marked invalid (too many answers missing) is left blank."""
    columns = [sa.func.max(sa.case((Score.subscale == name, Score.value))).label(name)
               for name in subscales]
    query = (sa.select(Dyad.pseudonym, QuestionnaireResponse.instrument_id,
                       QuestionnaireResponse.timepoint, QuestionnaireResponse.id, *columns)
             .join(Dyad, Dyad.id == QuestionnaireResponse.dyad_id)
             .outerjoin(Score, (Score.response_id == QuestionnaireResponse.id)
                        & Score.valid.is_(True))
             .where(QuestionnaireResponse.status == ResponseStatus.SUBMITTED,
                    QuestionnaireResponse.dyad_id.in_(scoped_dyad_ids(report_filter)))
             .group_by(Dyad.pseudonym, QuestionnaireResponse.instrument_id,
                       QuestionnaireResponse.timepoint, QuestionnaireResponse.id)
             .order_by(Dyad.pseudonym, QuestionnaireResponse.instrument_id,
                       QuestionnaireResponse.timepoint))
    for row in _stream(query):
        yield tuple(row)


def export_files(report_filter):
    """name -> a function returning the CSV lines of that file."""
    subscales = None

    def scores_lines():
        nonlocal subscales
        subscales = subscales or score_subscales(report_filter)
        header = [*codebook.HEADERS["scores.csv"], *subscales]
        return csv_lines(header, scores(report_filter, subscales))

    def table(name, rows):
        return lambda: csv_lines(codebook.HEADERS[name], rows(report_filter))

    return {
        "dyads.csv": table("dyads.csv", dyads),
        "enrolments.csv": table("enrolments.csv", enrolments),
        "attendance.csv": table("attendance.csv", attendance),
        "responses.csv": table("responses.csv", responses),
        "answers.csv": table("answers.csv", answers),
        "scores.csv": scores_lines,
        "referrals.csv": table("referrals.csv", referrals.export_rows),
        "codebook.csv": lambda: csv_lines(codebook.CODEBOOK_HEADER,
                                          codebook.rows(score_subscales(report_filter))),
    }
