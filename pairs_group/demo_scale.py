"""`flask demo --scale N`: N made-up parents with babies across N/25 groups, a year of sessions,
registers, pre/post questionnaire scores and sent texts, written with bulk Core inserts.

Groups start one after another over the last year (the newest start in the coming weeks), so
every page has realistic data: finished groups with full registers and scores, running groups
with some, and open groups whose parents still have questionnaires to answer.
"""

import random
from datetime import time, timedelta

import sqlalchemy as sa

from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.db import db, utcnow
from pairs_group.groups.models import (
    Group,
    GroupSession,
    GroupStatus,
    SessionStatus,
    Venue,
    group_facilitator,
)
from pairs_group.parents import choices
from pairs_group.parents.models import AboutYou, Baby, Dyad, Enrolment, EnrolmentStatus, Parent
from pairs_group.questionnaires.models import (
    QuestionnaireResponse,
    ResponseStatus,
    Score,
    Timepoint,
)
from pairs_group.sms.models import MessageStatus, OutboxMessage
from pairs_group.times import london_moment, london_today

PER_GROUP, SESSIONS, BATCH = 25, 8, 5000
NAME_PREFIX = "Scale group"
LANGUAGES = "en en en en pt es pl so ar fr".split()
STATUSES = [AttendanceStatus.ATTENDED] * 73 + [AttendanceStatus.CANCELLED_BY_PARENT] * 14 + [
    AttendanceStatus.DID_NOT_ATTEND] * 11 + [AttendanceStatus.CANCELLED_BY_SERVICE] * 2
HEARD_FROM = [code for code, _label in choices.HEARD_FROM]
SUBSCALES = {"prfq": ["pre_mentalizing", "certainty", "interest_curiosity"],
             "mors_sf": ["warmth", "invasiveness"]}


def insert(model, rows, returning=False):
    """executemany in batches; with returning, the new ids in the order of the rows."""
    statement = sa.insert(model)
    if not returning:
        for start in range(0, len(rows), BATCH):
            db.session.execute(statement, rows[start:start + BATCH])
        return None
    statement = statement.returning(model.id, sort_by_parameter_order=True)
    ids = []
    for start in range(0, len(rows), BATCH):
        ids += db.session.scalars(statement, rows[start:start + BATCH]).all()
    return ids


def already_seeded():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Group).where(
        Group.name.like(NAME_PREFIX + " %"))) > 0


def group_plan(count, today):
    """Each group's first day: one every `span / count` days, the newest in two weeks' time,
    so at any scale the newest families are waiting to start (their questionnaires open)."""
    newest, span = today + timedelta(days=14), 365 + 14
    return [newest - timedelta(days=(count - 1 - g) * span // count) for g in range(count)]


def create_groups(count, today, facilitators, now, per_group):
    venues = insert(Venue, [{"name": f"Scale centre {v + 1}", "address": "Example Road",
                             "postcode": "SW9 9AA", "access_notes": ""}
                            for v in range(max(1, count // 10))], returning=True)
    days = group_plan(count, today)
    rows = []
    for g, day in enumerate(days):
        first = london_moment(day, time(10, 0))
        last = first + timedelta(weeks=SESSIONS - 1)
        status = (GroupStatus.FINISHED if last < now else
                  GroupStatus.RUNNING if first <= now else GroupStatus.OPEN)
        rows.append({"name": f"{NAME_PREFIX} {g + 1}", "venue_id": venues[g % len(venues)],
                     "languages": "en", "capacity": per_group, "first_session_at": first,
                     "session_count": SESSIONS, "duration_minutes": 90, "status": status,
                     "postcode_areas": "SW9 SW2 SE5 SE11 SW8", "created_at": now})
    groups = insert(Group, rows, returning=True)
    insert(group_facilitator, [{"group_id": g, "staff_user_id": s.id}
                               for g in groups for s in facilitators])
    sessions = insert(GroupSession, [
        {"group_id": g, "number": n + 1, "status": SessionStatus.SCHEDULED,
         "starts_at": rows[i]["first_session_at"] + timedelta(weeks=n), "duration_minutes": 90,
         "note": "", "updated_at": now}
        for i, g in enumerate(groups) for n in range(SESSIONS)], returning=True)
    starts = [rows[i]["first_session_at"] for i in range(len(groups))]
    return groups, starts, [sessions[i * SESSIONS:(i + 1) * SESSIONS] for i in range(len(groups))]


def create_families(count, groups, starts, now, rng, per_group):
    """Parents signed up two weeks before their group (or yesterday), nine in ten saying who
    suggested Together Time."""
    first = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Parent.id), 0)))
    joined = [min(starts[p // per_group % len(groups)] - timedelta(weeks=2),
                  now - timedelta(days=1)) for p in range(count)]
    parents = insert(Parent, [
        {"name": f"Parent {first + p + 1}", "mobile": f"+4477{first + p + 1:08d}",
         "language": rng.choice(LANGUAGES), "postcode": "SW9 7AA", "created_at": joined[p]}
        for p in range(count)], returning=True)
    insert(AboutYou, [{"parent_id": parent, "answered_at": joined[p],
                       "heard_from": HEARD_FROM[p % len(HEARD_FROM)]}
                      for p, parent in enumerate(parents) if p % 10])
    babies = insert(Baby, [{"name": f"Baby {p + 1}"} for p in range(count)], returning=True)
    dyads = insert(Dyad, [{"parent_id": p, "baby_id": b, "created_at": now}
                          for p, b in zip(parents, babies, strict=True)], returning=True)
    enrolments = insert(Enrolment, [
        {"dyad_id": d, "group_id": groups[i // per_group % len(groups)],
         "status": (EnrolmentStatus.COMPLETED
                    if starts[i // per_group % len(groups)] + timedelta(weeks=SESSIONS) < now
                    else EnrolmentStatus.ENROLLED),
         "enrolled_at": joined[i], "created_at": now} for i, d in enumerate(dyads)],
        returning=True)
    return list(zip(parents, dyads, enrolments, strict=True))


def create_registers(families, sessions, done, now, rng, per_group):
    """A mark for every past session of every family; a sent reminder for every session."""
    marks, texts = [], []
    for i, (parent, _dyad, enrolment) in enumerate(families):
        group_sessions = sessions[i // per_group % len(sessions)]
        for number, session_id in enumerate(group_sessions):
            texts.append({"idempotency_key": f"scale-reminder-{session_id}-{parent}",
                          "kind": "reminder", "to": f"+4477{parent:08d}", "parent_id": parent,
                          "session_id": session_id, "language": "en",
                          "context": {"session_id": session_id}, "body": "Reminder",
                          "segments": 1, "encoding": "GSM-7", "status": MessageStatus.DELIVERED,
                          "attempts": 1, "send_after": now, "created_at": now,
                          "sent_at": now, "updated_at": now})
            if number < done[i // per_group % len(sessions)]:
                marks.append({"enrolment_id": enrolment, "session_id": session_id,
                              "status": rng.choice(STATUSES), "reason": "",
                              "recorded_at": now, "version": 1})
    insert(Attendance, marks)
    insert(OutboxMessage, texts)
    return len(marks), len(texts)


def create_scores(families, starts, now, rng, per_group):
    """Submitted pre answers once a group has started, post once it has finished."""
    rows, values = [], []
    for i, (_parent, dyad, _enrolment) in enumerate(families):
        first = starts[i // per_group % len(starts)]
        timepoints = [tp for tp, done in ((Timepoint.PRE, first < now), (
            Timepoint.POST, first + timedelta(weeks=SESSIONS + 1) < now)) if done]
        for timepoint in timepoints:
            for instrument, subscales in SUBSCALES.items():
                rows.append({"dyad_id": dyad, "instrument_id": instrument,
                             "instrument_version": "1", "timepoint": timepoint,
                             "status": ResponseStatus.SUBMITTED, "language_shown": "en",
                             "current_section": 0, "rater": "", "started_at": now,
                             "submitted_at": now, "updated_at": now})
                values.append([rng.randint(1, 6) + (timepoint == Timepoint.POST) * rng.random()
                               for _ in subscales])
    ids = insert(QuestionnaireResponse, rows, returning=True)
    insert(Score, [{"response_id": rid, "subscale": s, "value": v, "valid": True}
                   for rid, row, vs in zip(ids, rows, values, strict=True)
                   for s, v in zip(SUBSCALES[row["instrument_id"]], vs, strict=True)])
    return len(ids)


def create_scale_data(count, facilitators=(), seed=9, per_group=PER_GROUP):
    """Add `count` parents' worth of data; returns what was made (counts and sample ids)."""
    now, rng = utcnow(), random.Random(seed)  # noqa: S311 - made-up demo data
    today = london_today(now)
    group_count = max(1, count // per_group)
    groups, starts, sessions = create_groups(group_count, today, facilitators, now, per_group)
    families = create_families(count, groups, starts, now, rng, per_group)
    done = [sum(1 for n in range(SESSIONS) if start + timedelta(weeks=n, hours=2) < now)
            for start in starts]
    marks, texts = create_registers(families, sessions, done, now, rng, per_group)
    responses = create_scores(families, starts, now, rng, per_group)
    db.session.commit()
    return {"parents": count, "groups": group_count, "sessions": group_count * SESSIONS,
            "attendance": marks, "messages": texts, "responses": responses,
            "sample": sample_ids(families, groups, starts, sessions, done, per_group)}


def sample_ids(families, groups, starts, sessions, done, per_group):
    """A parent in the newest group not yet started (her pre questionnaires are open) and the
    last session that has a register."""
    upcoming = max(range(len(groups)), key=lambda g: starts[g])
    parent, dyad, enrolment = families[upcoming * per_group % len(families)]
    latest = max((g for g in range(len(groups)) if done[g]), key=lambda g: starts[g],
                 default=0)
    return {"parent_id": parent, "dyad_id": dyad, "enrolment_id": enrolment,
            "group_id": groups[latest], "session_id": sessions[latest][max(done[latest], 1) - 1]}
