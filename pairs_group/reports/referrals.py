"""Referral figures: where families come from, how many join, when, and how much the service
leans on a few referring teams.

A referral is each professional Referral row, and each parent who signed up herself (no
referral led to her sign-up), whose source is her answer to "who suggested Together Time to
you?" ("not said" if she skipped it). Joined: she attended at least one session that has
started. One list of referrals (records()) feeds every figure, the page's CSVs and the
export's referrals.csv, so a figure can be recomputed from the export.
"""

import hashlib
import hmac
import re
import statistics
from collections import defaultdict
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.db import db
from pairs_group.groups.models import Group, GroupSession
from pairs_group.parents import choices
from pairs_group.parents.models import AboutYou, Baby, Dyad, Enrolment, Parent
from pairs_group.referrals.models import Referral
from pairs_group.reports.filters import (
    COUNTED_ENROLMENTS,
    date_conditions,
    group_conditions,
    taken_place,
)
from pairs_group.times import in_london

NOT_SAID = "not_said"
PROFESSIONAL, SELF = "professional", "self"
SIGNED_UP = "signed_up"  # the status of a sign-up without a referral, in referrals.csv
TOP_TEAMS = 3


def source_labels():
    """Source code -> words: the answers to "who suggested Together Time" (a referrer's role
    is one of them; "other" reads for both), then "not said"."""
    return {**dict(choices.HEARD_FROM), choices.PREFER_NOT[0]: choices.PREFER_NOT[1],
            NOT_SAID: _l("Not said")}


class Record(NamedTuple):
    """One referral, as referrals.csv has it (a tuple: 10,000 of them are made per report)."""

    kind: str  # PROFESSIONAL or SELF
    source: str
    team: str  # as the referrer typed it ("" for a sign-up)
    day: date  # the referral or sign-up day (Europe/London)
    pregnant: bool  # her baby was not yet born that day
    dyad: str  # her dyad's pseudonym once she has one, else ""
    status: str  # the referral's status, or SIGNED_UP
    first_session: date | None  # the first session she attended (Europe/London)

    @property
    def joined(self):
        return self.first_session is not None

    @property
    def days_to_first_session(self):
        return (self.first_session - self.day).days if self.first_session else None


def _rows(query):
    """Rows through Core, without the ORM's per-row work (thousands of them per report)."""
    return db.session.connection().execute(query)


def _first_attended(report_filter):
    """{parent id: the start of the first session she attended} (counted enrolments, in the
    filter's groups): one pass over the attended marks, grouped by enrolment first."""
    query = (sa.select(Attendance.enrolment_id,
                       sa.func.min(GroupSession.starts_at).label("first"))
             .join(GroupSession, GroupSession.id == Attendance.session_id)
             .where(Attendance.status == AttendanceStatus.ATTENDED, taken_place()))
    if group_conditions(report_filter):
        query = (query.join(Group, Group.id == GroupSession.group_id)
                 .where(*group_conditions(report_filter)))
    firsts = query.group_by(Attendance.enrolment_id).subquery()
    found = {}
    for parent_id, first in _rows(
            sa.select(Dyad.parent_id, firsts.c.first).select_from(firsts)
            .join(Enrolment, Enrolment.id == firsts.c.enrolment_id)
            .join(Dyad, Dyad.id == Enrolment.dyad_id)
            .where(Enrolment.status.in_(COUNTED_ENROLMENTS))):
        found[parent_id] = min(first, found.get(parent_id, first))
    return found


def _dyads():
    """{parent id: (her first dyad's pseudonym, her babies' latest due date and birth)}."""
    first = (sa.select(Dyad.parent_id, sa.func.min(Dyad.id).label("dyad_id"),
                       sa.func.max(Baby.due_date).label("due"),
                       sa.func.max(Baby.date_of_birth).label("born"))
             .join(Baby, Baby.id == Dyad.baby_id).group_by(Dyad.parent_id).subquery())
    rows = _rows(sa.select(first.c.parent_id, Dyad.pseudonym, first.c.due, first.c.born)
                 .join(Dyad, Dyad.id == first.c.dyad_id))
    return {parent_id: (pseudonym, due, born) for parent_id, pseudonym, due, born in rows}


def _in_groups(report_filter, parent_id):
    """The parent has a counted enrolment in the filter's groups (when it names any)."""
    if not group_conditions(report_filter):
        return []
    return [sa.select(Enrolment.id).join(Dyad, Dyad.id == Enrolment.dyad_id)
            .join(Group, Group.id == Enrolment.group_id)
            .where(Dyad.parent_id == parent_id, Enrolment.status.in_(COUNTED_ENROLMENTS),
                   *group_conditions(report_filter)).exists()]


def _day(moment):
    """The London day of a UTC moment. London's offset is whole hours, so the day follows from
    the UTC day and hour: worked out once per hour seen, not for each of 20,000 moments."""
    return _london_day(moment.date(), moment.hour) if moment else None


@lru_cache(maxsize=8192)
def _london_day(day, hour):
    return in_london(datetime.combine(day, time(hour), tzinfo=UTC)).date()


def _pregnant(day, due, born):
    """Not yet born that day: due after it, or born after it."""
    return bool((due and due > day and not (born and born <= day)) or (born and born > day))


def _language(report_filter, column):
    return [column == report_filter.language] if report_filter.language else []


def professional_records(report_filter, firsts, dyads):
    query = (sa.select(Referral.referrer_role, Referral.referrer_team, Referral.created_at,
                       Referral.baby_due_date, Referral.baby_date_of_birth, Referral.status,
                       Referral.parent_id)
             .outerjoin(Parent, Parent.id == Referral.parent_id)
             .where(*date_conditions(Referral.created_at, report_filter),
                    # hers once she has signed up, else the one her referrer gave
                    *_language(report_filter,
                               sa.func.coalesce(Parent.language, Referral.language)),
                    *_in_groups(report_filter, Referral.parent_id))
             .order_by(Referral.created_at, Referral.id))
    for row in _rows(query):
        day = _day(row.created_at)
        yield Record(PROFESSIONAL, row.referrer_role, row.referrer_team, day,
                     _pregnant(day, row.baby_due_date, row.baby_date_of_birth),
                     dyads.get(row.parent_id, ("",))[0], str(row.status),
                     _day(firsts.get(row.parent_id)))


def self_records(report_filter, firsts, dyads):
    referred = sa.select(Referral.id).where(Referral.parent_id == Parent.id).exists()
    query = (sa.select(Parent.id, AboutYou.heard_from, Parent.created_at)
             .outerjoin(AboutYou, AboutYou.parent_id == Parent.id)
             .where(~referred, *date_conditions(Parent.created_at, report_filter),
                    *_language(report_filter, Parent.language),
                    *_in_groups(report_filter, Parent.id))
             .order_by(Parent.created_at, Parent.id))
    for row in _rows(query):
        day = _day(row.created_at)
        pseudonym, due, born = dyads.get(row.id, ("", None, None))
        yield Record(SELF, row.heard_from or NOT_SAID, "", day, _pregnant(day, due, born),
                     pseudonym, SIGNED_UP, _day(firsts.get(row.id)))


def records(report_filter):
    """Every referral in the filter, as a list (the figures count them several ways)."""
    return list(each_record(report_filter))


def each_record(report_filter):
    """Every referral in the filter, one at a time: the professionals' first, then the
    sign-ups, each in the order they came. The export streams them: a list of every one of
    them was the one thing in referrals.csv's memory that grew with the service."""
    firsts, dyads = _first_attended(report_filter), _dyads()
    yield from professional_records(report_filter, firsts, dyads)
    yield from self_records(report_filter, firsts, dyads)


def _share(part, whole):
    return part / whole if whole else None


def _source_codes(found):
    """Every answer on the list and "not said", then any other code found (such as "prefer
    not to say", which a parent may give on the about-you page)."""
    listed = [*(code for code, _label in choices.HEARD_FROM), NOT_SAID]
    return [*listed, *sorted({r.source for r in found} - set(listed))]


def _by_code(found):
    grouped = defaultdict(list)
    for record in found:
        grouped[record.source].append(record)
    return grouped


def by_source(found):
    """A row per source: referrals, % of all referrals, how many joined."""
    labels, total, grouped = source_labels(), len(found), _by_code(found)
    rows = []
    for code in _source_codes(found):
        mine = grouped.get(code, [])
        joined = sum(r.joined for r in mine)
        rows.append({"source": code, "label": labels.get(code, code), "n": len(mine),
                     "percent": 100 * len(mine) / total if total else None,
                     "joined": joined,
                     "joined_percent": 100 * joined / len(mine) if mine else None,
                     "professional": sum(r.kind == PROFESSIONAL for r in mine)})
    return rows


def pregnant_share(found):
    pregnant = sum(r.pregnant for r in found)
    joined = [r for r in found if r.joined]
    return {"referrals": len(found), "pregnant": pregnant, "share": _share(pregnant, len(found)),
            "joined": len(joined), "joined_pregnant": sum(r.pregnant for r in joined),
            "joined_share": _share(sum(r.pregnant for r in joined), len(joined))}


def team_key(team):
    """Teams as typed, compared without case, spaces or punctuation."""
    return re.sub(r"[\W_]+", " ", team or "").strip().casefold()


def financial_quarter(day):
    """(start year of the April-March year, quarter 1-4): April-June is Q1."""
    year = day.year if day.month >= 4 else day.year - 1
    return year, (day.month - 4) % 12 // 3 + 1


def year_label(year):
    """2024 -> "2024/25", the April-March year as the attendance figures name it."""
    return f"{year}/{(year + 1) % 100:02d}"


def quarter_label(year, quarter):
    return f"{year_label(year)} Q{quarter}"


def top3_share_by_quarter(found):
    """Per financial quarter: the share of its professional referrals made by the 3 teams that
    referred most in it (the evaluation's "super referrers" risk)."""
    quarters = {}
    for record in found:
        if record.kind == PROFESSIONAL:
            teams = quarters.setdefault(financial_quarter(record.day), {})
            key = team_key(record.team)
            count, names = teams.get(key, (0, record.team))
            teams[key] = (count + 1, names)
    rows = []
    for (year, quarter), teams in sorted(quarters.items()):
        ranked = sorted(teams.values(), key=lambda item: (-item[0], item[1]))
        total, top = sum(c for c, _name in ranked), ranked[:TOP_TEAMS]
        rows.append({"quarter": quarter_label(year, quarter),
                     "financial_year": year_label(year), "number": quarter,
                     "professional_referrals": total,
                     "teams": len(ranked), "top3": sum(c for c, _name in top),
                     "share": _share(sum(c for c, _name in top), total),
                     "top_teams": [{"team": name, "n": c} for c, name in top]})
    return rows


def _median_days(found):
    days = [r.days_to_first_session for r in found if r.joined]
    return {"n": len(days), "median": statistics.median(days) if days else None}


def days_to_first_session_median(found):
    """Referral (or sign-up) day to the first session attended: median, overall and by
    source (only those who have attended one)."""
    labels, grouped = source_labels(), _by_code([r for r in found if r.joined])
    return {**_median_days(found), "by_source": [
        {"source": code, "label": labels.get(code, code), **_median_days(grouped[code])}
        for code in _source_codes(found) if code in grouped]}


def summary(report_filter):
    found = records(report_filter)
    return {"total": len(found), "professional": sum(r.kind == PROFESSIONAL for r in found),
            "by_source": by_source(found), "pregnant_share": pregnant_share(found),
            "top3_share_by_quarter": top3_share_by_quarter(found),
            "days_to_first_session_median": days_to_first_session_median(found)}


def team_id(team):
    """A stable code for a team in the export: the same team (as team_key compares) the same
    code in every export, without its name (typed free text can name a person)."""
    if not team_key(team):
        return ""
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), team_key(team).encode(),
                      hashlib.sha256).hexdigest()
    return "T" + digest[:10].upper()


def export_rows(report_filter):
    """referrals.csv: one row per referral, in the order of records(), streamed."""
    for r in each_record(report_filter):
        yield (r.kind, r.source, team_id(r.team), r.day.isoformat(), int(r.pregnant), r.dyad,
               r.status, int(r.joined), r.first_session.isoformat() if r.first_session else "",
               r.days_to_first_session)
