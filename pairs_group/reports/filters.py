"""Which part of the data a report covers: dates, group, venue, language, and who is asking."""

from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta

import sqlalchemy as sa

from pairs_group.db import utcnow
from pairs_group.groups.models import Group, GroupSession
from pairs_group.parents.models import Dyad, Enrolment, EnrolmentStatus, Parent
from pairs_group.questionnaires.models import QuestionnaireResponse
from pairs_group.times import london_moment

# A waiting-list place is not a place in a group: reports count enrolments that started.
COUNTED_ENROLMENTS = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED,
                      EnrolmentStatus.WITHDRAWN)
# How her questionnaires were answered (the outcomes report's choice; blank: all, ratings by
# staff included).
ANSWERED_ALONE, ANSWERED_WITH_HELP = "alone", "with_help"


@dataclass(frozen=True)
class ReportFilter:
    start: date | None = None
    end: date | None = None
    group_id: int | None = None
    venue_id: int | None = None
    language: str | None = None
    answered: str | None = None
    # None: every group (admins, evaluators); a facilitator's own groups otherwise.
    allowed_group_ids: frozenset | None = field(default=None)

    def for_groups(self, group_ids):
        return replace(self, allowed_group_ids=frozenset(group_ids))

    def as_query_args(self):
        """The filter as URL query arguments (for CSV links and the export page)."""
        args = {"start": self.start, "end": self.end, "group": self.group_id,
                "venue": self.venue_id, "language": self.language, "answered": self.answered}
        return {key: str(value) for key, value in args.items() if value}

    def describe(self):
        """The filter as plain data, for the JSON report and the audit log."""
        return {"start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None,
                "group_id": self.group_id, "venue_id": self.venue_id,
                "language": self.language, "answered": self.answered,
                "groups_allowed": sorted(self.allowed_group_ids)
                if self.allowed_group_ids is not None else None}


def date_conditions(column, report_filter):
    """London calendar days, both ends included."""
    conditions = []
    if report_filter.start:
        conditions.append(column >= london_moment(report_filter.start, time(0)))
    if report_filter.end:
        conditions.append(column < london_moment(report_filter.end + timedelta(days=1), time(0)))
    return conditions


def group_conditions(report_filter):
    """Conditions on Group (and the allowed groups)."""
    conditions = []
    if report_filter.group_id:
        conditions.append(Group.id == report_filter.group_id)
    if report_filter.venue_id:
        conditions.append(Group.venue_id == report_filter.venue_id)
    if report_filter.allowed_group_ids is not None:
        conditions.append(Group.id.in_(report_filter.allowed_group_ids or [-1]))
    return conditions


def language_conditions(report_filter):
    return [Parent.language == report_filter.language] if report_filter.language else []


def answered_conditions(report_filter):
    """Conditions on QuestionnaireResponse: answered alone (by her, not with help) or with
    help; either leaves out staff's ratings, which she did not answer."""
    if report_filter.answered == ANSWERED_ALONE:
        return [QuestionnaireResponse.assisted.is_(False),
                QuestionnaireResponse.entered_by_id.is_(None)]
    if report_filter.answered == ANSWERED_WITH_HELP:
        return [QuestionnaireResponse.assisted.is_(True)]
    return []


def scoped_enrolments(report_filter):
    """Enrolment, Group and Dyad rows of the groups that started in the date range (Parent
    joined only to filter by language)."""
    query = (sa.select(Enrolment.id.label("enrolment_id"), Enrolment.dyad_id,
                       Enrolment.group_id, Enrolment.status, Dyad.parent_id)
             .join(Group, Group.id == Enrolment.group_id)
             .join(Dyad, Dyad.id == Enrolment.dyad_id))
    if report_filter.language:
        query = query.join(Parent, Parent.id == Dyad.parent_id)
    return query.where(Enrolment.status.in_(COUNTED_ENROLMENTS),
                       *group_conditions(report_filter), *language_conditions(report_filter),
                       *date_conditions(Group.first_session_at, report_filter))


def scoped_dyad_ids(report_filter):
    """The dyads in the report (a subquery of ids)."""
    enrolments = scoped_enrolments(report_filter).subquery()
    return sa.select(enrolments.c.dyad_id).distinct()


def taken_place():
    """Sessions that have started: a register made ahead (apologies, our cancellations) is not
    counted until its session's time has come."""
    return GroupSession.starts_at <= utcnow()


def session_conditions(report_filter):
    """Conditions for attendance rows joined to GroupSession, Group, Enrolment, Dyad, Parent."""
    return [Enrolment.status.in_(COUNTED_ENROLMENTS), *group_conditions(report_filter),
            *language_conditions(report_filter),
            *date_conditions(GroupSession.starts_at, report_filter)]
