"""What each parent is asked and when: a group's plan, the answering windows, her open tasks."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from flask import current_app, url_for
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from pairs_group.audit.service import record
from pairs_group.db import db, utcnow
from pairs_group.groups.models import Group, GroupSession
from pairs_group.i18n import current_language
from pairs_group.kept import forget_when_written, kept
from pairs_group.parents.models import Dyad, Enrolment, EnrolmentStatus
from pairs_group.questionnaires import instruments
from pairs_group.questionnaires.answering import find_response
from pairs_group.questionnaires.models import (
    GroupInstrument,
    QuestionnaireResponse,
    ResponseStatus,
    Timepoint,
)

ACTIVE = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)
PLANS = "questionnaires.plans"  # app.extensions: the groups' plans kept (answerable_plans)


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


def default_plan():
    """The plan: config QUESTIONNAIRE_PLAN, plus optional measures switched on."""
    plan = current_app.config["QUESTIONNAIRE_PLAN"]
    extra = list(current_app.config["QUESTIONNAIRES_OPTIONAL"])
    return {Timepoint(tp): list(ids) + [i for i in extra if i not in ids]
            for tp, ids in plan.items()}


def group_plan(group):
    """{timepoint: [instrument ids]} for this group (its own rows, else the default)."""
    return group_plans([group])[group.id]


def group_plans(groups):
    """{group id: group_plan(group)} for these groups, read fresh: the pages where staff see
    and change plans."""
    return {group_id: plan_of(found) for group_id, found in plan_rows(
        [group.id for group in groups]).items()}


def plan_rows(group_ids):
    """{group id: [(timepoint, instrument id)]}: each group's own rows, from one statement
    (none for no groups)."""
    rows = {group_id: [] for group_id in group_ids}
    if not rows:
        return {}
    for group_id, timepoint, instrument_id in db.session.execute(_plans_statement(),
                                                                 {"ids": sorted(rows)}):
        rows[group_id].append((timepoint, instrument_id))
    return rows


@cache
def _plans_statement():
    """Built once, the groups' ids a parameter: building a select costs about as much as
    running one this small."""
    return (sa.select(GroupInstrument.group_id, GroupInstrument.timepoint,
                      GroupInstrument.instrument_id)
            .where(GroupInstrument.group_id.in_(sa.bindparam("ids", expanding=True)))
            .order_by(GroupInstrument.id))


def plan_of(rows):
    """The plan from a group's own (timepoint, instrument id) rows, else the default."""
    if not rows:
        plan = default_plan()
    else:
        plan = {tp: [] for tp in Timepoint}
        for timepoint, instrument_id in rows:
            plan[timepoint].append(instrument_id)
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


def window(enrolment, timepoint, sessions=None):
    """(opens, closes) in UTC: pre from enrolment to the end of session 2; post from the last
    session to 3 weeks after it (both configurable). `sessions`: the group's running sessions,
    when the caller asks about many of its families."""
    sessions = running_sessions(enrolment.group) if sessions is None else sessions
    if not sessions:
        return None
    if timepoint == Timepoint.PRE:
        last_pre = current_app.config["QUESTIONNAIRE_PRE_UNTIL_SESSION"]
        opens = enrolment.enrolled_at or enrolment.created_at or utcnow()
        return opens, sessions[min(last_pre, len(sessions)) - 1].ends_at
    weeks = current_app.config["QUESTIONNAIRE_POST_WEEKS"]
    return sessions[-1].starts_at, sessions[-1].ends_at + timedelta(weeks=weeks)


def is_open(enrolment, timepoint, now, sessions=None):
    found = window(enrolment, timepoint, sessions)
    return found is not None and found[0] <= now <= found[1]


def active_enrolments(parent):
    """Her enrolments that can ask questions, each with its dyad, group and the group's sessions
    (the answering windows): walked in memory when her home page has loaded them, else from one
    statement."""
    enrolments = loaded_enrolments(parent)
    if enrolments is None:
        return db.session.scalars(_active_enrolments_statement(),
                                  {"parent_id": parent.id}).unique().all()
    active = [enrolment for enrolment in enrolments if enrolment.status in ACTIVE]
    load_sessions([enrolment.group for enrolment in active])
    return active


@cache
def _active_enrolments_statement():
    """Built once, her id a parameter: building it and its cache key cost about as much as
    running it."""
    return (sa.select(Enrolment).join(Enrolment.dyad)
            .where(Dyad.parent_id == sa.bindparam("parent_id"), Enrolment.status.in_(ACTIVE))
            .options(contains_eager(Enrolment.dyad),
                     joinedload(Enrolment.group).joinedload(Group.sessions))
            .order_by(Dyad.id, Enrolment.id))


def loaded_enrolments(parent):
    """Every enrolment of hers ordered as active_enrolments orders them, if her dyads and their
    enrolments are loaded already (walked in memory, nothing is asked of the database); else
    None."""
    state = sa.inspect(parent)
    if "dyads" in state.unloaded or any("enrolments" in sa.inspect(dyad).unloaded
                                        for dyad in state.dict["dyads"]):
        return None
    return sorted((enrolment for dyad in parent.dyads for enrolment in dyad.enrolments),
                  key=lambda enrolment: (enrolment.dyad_id, enrolment.id))


def load_sessions(groups):
    """Fill in each group's sessions, from one statement for those not loaded yet (her home page
    has already loaded her groups')."""
    waiting = {group.id: group for group in groups if "sessions" in sa.inspect(group).unloaded}
    if not waiting:
        return
    found = {group_id: [] for group_id in waiting}
    for session in db.session.scalars(sa.select(GroupSession).where(
            GroupSession.group_id.in_(sorted(waiting))).order_by(GroupSession.starts_at)):
        found[session.group_id].append(session)
    for group_id, sessions in found.items():
        set_committed_value(waiting[group_id], "sessions", sessions)


def open_tasks(parent, now=None):
    """What she can answer now, on her phone: her home page shows these."""
    due = due_tasks(active_enrolments(parent), now or utcnow())
    found = responses_of(due)
    tasks = (open_task(enrolment, instrument, key[2], found.get(key))
             for key, (enrolment, instrument) in due.items())
    return [task for task in tasks if task is not None]


def due_tasks(enrolments, now):
    """{(dyad id, instrument id, timepoint): (enrolment, instrument)} open now: one per dyad,
    instrument and timepoint, even in two groups."""
    due, plans = {}, answerable_plans({enrolment.group for enrolment in enrolments})
    for enrolment in enrolments:
        for timepoint, found in plans[enrolment.group_id].items():
            if found and is_open(enrolment, timepoint, now):
                for instrument in found:
                    key = (enrolment.dyad_id, instrument.id, str(timepoint))
                    due.setdefault(key, (enrolment, instrument))
    return due


def answerable_plans(groups):
    """{group id: {timepoint: [the instruments she answers herself]}}: each group's plan with
    its instruments looked up once, as this process read the plan less than a minute ago
    (pairs_group.kept): her home, her questionnaire and the register ask on every page, and a
    plan changes a few times a year."""
    found = kept(PLANS).many(sorted({group.id for group in groups}), plan_rows)
    return {group_id: {tp: instruments.parent_answers(ids) for tp, ids in plan_of(rows).items()}
            for group_id, rows in found.items()}


def responses_of(keys):
    """{(dyad id, instrument id, timepoint): response} for these keys, from one statement (none
    for no keys)."""
    if not keys:
        return {}
    rows = db.session.scalars(_responses_statement(), {
        "dyad_ids": sorted({dyad_id for dyad_id, _i, _t in keys}),
        "instrument_ids": sorted({i for _d, i, _t in keys})})
    found = {(r.dyad_id, r.instrument_id, str(r.timepoint)): r for r in rows}
    return {key: found[key] for key in keys if key in found}


@cache
def _responses_statement():
    """Built once, the dyads' and instruments' ids parameters."""
    return sa.select(QuestionnaireResponse).where(
        QuestionnaireResponse.dyad_id.in_(sa.bindparam("dyad_ids", expanding=True)),
        QuestionnaireResponse.instrument_id.in_(sa.bindparam("instrument_ids", expanding=True)))


def make_task(enrolment, instrument_id, timepoint):
    found = instruments.parent_answers([instrument_id])
    if not found:
        return None
    return open_task(enrolment, found[0], timepoint,
                     find_response(enrolment.dyad_id, instrument_id, timepoint))


def open_task(enrolment, instrument, timepoint, response):
    """Her task for this instrument (one of instruments.parent_answers), or None: already
    sent."""
    if response is not None and response.is_submitted:
        return None
    return Task(enrolment.dyad, instrument, Timepoint(timepoint), response,
                window(enrolment, timepoint)[1])


def task_for(parent, dyad_id, instrument_id, timepoint, now=None):
    """Her task for this dyad/instrument/timepoint if it is open, else NotAllowed."""
    enrolments, responses = enrolments_with_response(parent, instrument_id, timepoint)
    due = due_tasks(enrolments, now or utcnow()).get((dyad_id, instrument_id, timepoint))
    task = open_task(*due, timepoint, responses[dyad_id]) if due else None
    if task is None:
        raise NotAllowed(instrument_id)
    return task


def enrolments_with_response(parent, instrument_id, timepoint):
    """(active_enrolments(parent), {dyad id: her response to this instrument at this timepoint,
    or None}) from one statement: one questionnaire's pages need nothing else of hers."""
    if timepoint not in {str(tp) for tp in Timepoint}:
        return [], {}
    rows = db.session.execute(_enrolments_with_response_statement(), {
        "parent_id": parent.id, "instrument_id": instrument_id,
        "timepoint": Timepoint(timepoint)}).unique().all()
    return ([enrolment for enrolment, _response in rows],
            {enrolment.dyad_id: response for enrolment, response in rows})


@cache
def _enrolments_with_response_statement():
    """As _active_enrolments_statement, each enrolment beside its dyad's response (one at
    most: a dyad answers an instrument once at each timepoint)."""
    return (_active_enrolments_statement().add_columns(QuestionnaireResponse)
            .outerjoin(QuestionnaireResponse, sa.and_(
                QuestionnaireResponse.dyad_id == Enrolment.dyad_id,
                QuestionnaireResponse.instrument_id == sa.bindparam("instrument_id"),
                QuestionnaireResponse.timepoint == sa.bindparam("timepoint"))))


def task_with_help(enrolment, instrument_id, timepoint, now=None):
    """Her task for a facilitator answering it with her: open now, hers to answer, not sent."""
    task = None
    if is_open(enrolment, timepoint, now or utcnow()):
        task = make_task(enrolment, instrument_id, timepoint)
    if task is None:
        raise NotAllowed(instrument_id)
    return task


def due_for_help(group, enrolments, now=None, sessions=None):
    """{enrolment id: [(instrument, timepoint, whether she asked for help with it)]}: what each
    family (enrolments in `group`, or the register's plain records of them) could answer with
    help now (the register's links), from one query for what of it she has sent or asked about.
    `sessions`: the group's running sessions, when the caller has read them."""
    now = now or utcnow()
    sessions = running_sessions(group) if sessions is None else sessions
    # What she could answer, looked up once for the page rather than once for each family.
    plan = answerable_plans([group])[group.id]
    opened = {e.id: [((e.dyad_id, instrument.id, str(tp)), tp, instrument)
                     for tp, found in plan.items() if found and is_open(e, tp, now, sessions)
                     for instrument in found]
              for e in enrolments}
    keys = {key for due in opened.values() for key, _tp, _i in due}
    sent, asked = help_states_of(group.id, keys) if keys else (set(), set())
    return {e.id: [(instrument, tp, key in asked)
                   for key, tp, instrument in opened[e.id] if key not in sent]
            for e in enrolments}


# Where a group's families stand with their questionnaires: sent, or asked for help with
# (built once, the group's id a parameter: the same SQL each time, which PostgreSQL prepares).
HELP_STATES_OF = (
    sa.select(QuestionnaireResponse.dyad_id, QuestionnaireResponse.instrument_id,
              QuestionnaireResponse.timepoint, QuestionnaireResponse.status,
              QuestionnaireResponse.help_requested_at)
    .where(QuestionnaireResponse.dyad_id.in_(
        sa.select(Enrolment.dyad_id).where(Enrolment.group_id == sa.bindparam("group_id")))))


def help_states_of(group_id, keys):
    """({the keys she has sent}, {those of these keys, unsent, she asked for help with}) for
    these keys of responses_of, of families in the group, from one statement. Columns on the
    session's connection, not responses: families on a register have sent most of theirs, and
    an object for each cost most of its notes."""
    rows = db.session.connection().execute(HELP_STATES_OF, {"group_id": group_id})
    sent, asked = set(), set()
    for dyad_id, instrument_id, timepoint, status, help_requested_at in rows:
        key = (dyad_id, instrument_id, str(timepoint))
        if status == ResponseStatus.SUBMITTED:
            sent.add(key)
        elif help_requested_at is not None and key in keys:
            asked.add(key)
    return sent, asked


# Her questionnaires she has sent, as keys (built once, her id a parameter).
SENT_BY_PARENT = (
    sa.select(QuestionnaireResponse.dyad_id, QuestionnaireResponse.instrument_id,
              QuestionnaireResponse.timepoint)
    .where(QuestionnaireResponse.status == ResponseStatus.SUBMITTED,
           QuestionnaireResponse.dyad_id.in_(
               sa.select(Dyad.id).where(Dyad.parent_id == sa.bindparam("parent_id")))))


def home_tasks(parent, now=None):
    """Her open questionnaires as (title, url, due) for her home page (the account feature,
    a higher layer, calls this: we cannot import it): what is due, less what she has sent,
    read as columns (open_tasks loads her responses, which the home page does not show)."""
    language = current_language().code
    due = due_tasks(active_enrolments(parent), now or utcnow())
    sent = {(dyad_id, instrument_id, str(timepoint)) for dyad_id, instrument_id, timepoint
            in db.session.connection().execute(SENT_BY_PARENT, {"parent_id": parent.id})}
    return [(instrument.title_markup(language),
             url_for("questionnaires.about", dyad_id=key[0], instrument_id=instrument.id,
                     timepoint=key[2]),
             window(enrolment, key[2])[1])
            for key, (enrolment, instrument) in due.items() if key not in sent]


def init_app(app):
    """Plans written here are answered from the next page on, not a minute on."""
    forget_when_written(app, PLANS, GroupInstrument)
