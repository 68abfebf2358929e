"""Demo data for the evaluation reports: two finished groups over the past year, with a
register for every session, about-you answers, postcodes in the sample deprivation lookup and
pre/post questionnaires on every instrument, so every report section shows something real.

Called by `flask demo`; finds what it made before, so running it twice changes nothing.
"""

import random
from datetime import date, time, timedelta

import sqlalchemy as sa

from pairs_group.attendance.models import Attendance, AttendanceStatus
from pairs_group.db import db
from pairs_group.geo.cli import import_sample
from pairs_group.geo.models import GeoImport
from pairs_group.groups.models import Group, GroupStatus
from pairs_group.groups.service import create_group
from pairs_group.parents import choices
from pairs_group.parents.models import (
    PREFER_NOT_TO_SAY,
    AboutYou,
    Baby,
    Dyad,
    Enrolment,
    EnrolmentStatus,
    Parent,
)
from pairs_group.questionnaires import instruments
from pairs_group.questionnaires.models import (
    Answer,
    QuestionnaireResponse,
    ResponseStatus,
    Score,
    Timepoint,
)
from pairs_group.times import london_moment

SESSIONS = 10
# Registers: 73% attended, 14% cancelled by the parent, 11% did not attend, 2% cancelled by
# the service, as in the evaluation.
ATTENDANCE_MIX = [(AttendanceStatus.ATTENDED, 73), (AttendanceStatus.CANCELLED_BY_PARENT, 14),
                  (AttendanceStatus.DID_NOT_ATTEND, 11),
                  (AttendanceStatus.CANCELLED_BY_SERVICE, 2)]
# Postcodes in the sample lookup (pairs_group/geo/sample), so each family has a decile.
POSTCODES = ["SW9 1AA", "SW2 2BJ", "SE5 3DT", "SE11 4EB", "SW8 5FL", "SE27 6GU", "SW4 7HD",
             "SE24 8JN", "SW9 9LW", "SW2 1NE", "SE5 2PP", "SE11 3QX", "SW8 4RF", "SE27 5SQ",
             "SW4 6TY", "SE24 7UG", "SW9 8WR", "SW2 9XZ", "SE5 1YH"]
GROUPS = [
    # (name, weeks ago the first session was, weekday, number of dyads, first mobile)
    ("Together Time Stockwell 1", 50, 2, 12, 200),
    ("Together Time Stockwell 2", 24, 0, 14, 300),
]
FIRST_NAMES = ["Aisha", "Bea", "Chloe", "Dami", "Elif", "Femi", "Grace", "Hana", "Ines", "Joy",
               "Kemi", "Lena", "Maya", "Nadia", "Olu", "Priya", "Rosa", "Sara", "Tolu", "Uma"]
LANGUAGES = ["en", "en", "en", "pt", "pt", "es", "so", "pl", "fr", "ar"]
COMMENTS_GOOD = ["Meeting other mums every week.", "Time to just watch my baby.",
                 "The staff were kind and never rushed us.", "I felt less alone.",
                 "Learning what her cries might mean."]
COMMENTS_BETTER = ["A later start time would help.", "More sessions please!",
                   "Somewhere to leave the buggy.", ""]


def about_you_answers(rng, index):
    """Mostly answered; a few "prefer not to say" and a few skipped, as in real sign-ups."""
    pick = {question: rng.choice([c for c, _l in options if c != PREFER_NOT_TO_SAY])
            for question, options in choices.QUESTIONS.items()}
    pick["gender"] = "woman" if index % 9 else "man"
    for question in pick:
        roll = rng.random()
        pick[question] = (PREFER_NOT_TO_SAY if roll < 0.06 else None if roll < 0.12
                          else pick[question])
    return pick


def make_parent(rng, number, index, signed_up):
    """A parent who signed up on `signed_up` (a day), one in four while pregnant."""
    weeks = rng.randint(8, 30)
    parent = Parent(
        name=f"{FIRST_NAMES[number % len(FIRST_NAMES)]} Demo{number}",
        mobile=f"+4477009{number:05d}", language=LANGUAGES[number % len(LANGUAGES)],
        postcode=POSTCODES[number % len(POSTCODES)] if number % 13 else "",
        created_at=london_moment(signed_up, time(11)))
    if number % 4:
        baby = Baby(name=f"Baby {number}", date_of_birth=signed_up - timedelta(weeks=weeks))
    else:
        due = signed_up + timedelta(weeks=weeks // 6 + 1)
        baby = Baby(name=f"Baby {number}", due_date=due,
                    date_of_birth=due + timedelta(days=number % 7 - 3))
    dyad = Dyad(parent=parent, baby=baby)
    db.session.add(dyad)
    if number % 11:
        db.session.add(AboutYou(parent=parent, **about_you_answers(rng, index)))
    return dyad


def registers(rng, group, enrolments):
    """One mark per dyad and session, shuffled so each status keeps its share."""
    slots = [(e, s) for s in group.sessions for e in enrolments]
    statuses = [status for status, share in ATTENDANCE_MIX
                for _ in range(round(len(slots) * share / 100))]
    statuses = (statuses + [AttendanceStatus.ATTENDED] * len(slots))[:len(slots)]
    rng.shuffle(statuses)
    db.session.execute(sa.insert(Attendance), [
        {"enrolment_id": enrolment.id, "session_id": session.id, "status": status,
         "recorded_at": session.starts_at, "reason": "", "version": 1}
        for (enrolment, session), status in zip(slots, statuses, strict=True)])


def demo_answers(rng, instrument_id, timepoint, gain):
    """Answers that drift the better way from before to after, with noise."""
    after = timepoint == Timepoint.POST
    if instrument_id == "prfq":
        base = {"pm": 2.6 - 0.5 * gain * after, "cms": 4.2 + 0.1 * after,
                "ic": 5.2 + 0.6 * gain * after}
        kinds = ["pm", "cms", "ic"]
        return {str(i): min(7, max(1, round(rng.gauss(base[kinds[(i - 1) % 3]], 0.8))))
                for i in range(1, 19)}
    if instrument_id == "mors_sf":
        warmth, invasive = 3.3 + 0.5 * gain * after, 1.8 - 0.4 * gain * after
        return {str(i): min(5, max(0, round(rng.gauss(
            warmth if i in (1, 3, 4, 6, 8, 11, 13) else invasive, 0.7)))) for i in range(1, 15)}
    if instrument_id == "loaf":
        level = 1 if rng.random() < 0.55 else 2 if rng.random() < 0.8 else 3
        level = max(1, level - (after and rng.random() < 0.3 * gain))
        return {"part_a": level, "part_b": min(4, level + (rng.random() < 0.3))}
    if instrument_id == "asq_se2":
        total = max(0, round(rng.gauss(45 - 12 * gain * after, 15)))
        zone = 3 if total >= 65 else 2 if total >= 50 else 1
        return {"interval": 6, "total": total, "zone": zone, "items_omitted": rng.randint(0, 2)}
    if instrument_id in ("phq9", "gad7"):
        mean = 1.1 - 0.4 * gain * after
        return {str(i): min(3, max(0, round(rng.gauss(mean, 0.8))))
                for i in range(1, 10 if instrument_id == "phq9" else 8)}
    return {"rating": rng.choices([1, 2, 3, 4, 6], [60, 28, 6, 3, 3])[0],
            "good": rng.choice(COMMENTS_GOOD), "better": rng.choice(COMMENTS_BETTER)}


def add_response(rng, dyad, instrument, timepoint, when, gain, pending):
    """A submitted response now; its answers and scores kept in `pending` for one bulk insert."""
    answers = demo_answers(rng, instrument.id, timepoint, gain)
    response = QuestionnaireResponse(
        dyad=dyad, instrument_id=instrument.id, instrument_version=instrument.version,
        timepoint=timepoint, status=ResponseStatus.SUBMITTED, language_shown="en",
        started_at=when, submitted_at=when)
    db.session.add(response)
    numeric = {k: v for k, v in answers.items() if not isinstance(v, str)}
    scores = instruments.score(instrument, numeric)
    pending.append((response, answers, scores, when))


def insert_answers_and_scores(pending):
    db.session.flush()
    answers, scores = [], []
    for response, given, scored, when in pending:
        answers += [{"response_id": response.id, "item_id": item_id, "answered_at": when,
                     "value": None if isinstance(value, str) else value,
                     "text": value if isinstance(value, str) else None}
                    for item_id, value in given.items() if value != ""]
        scores += [{"response_id": response.id, "subscale": subscale, "value": value,
                    "valid": valid} for subscale, (value, valid) in scored.items()]
    db.session.execute(sa.insert(Answer), answers)
    db.session.execute(sa.insert(Score), scores)


def instrument_registry():
    """The app's loaded instruments, or the shipped files when the feature is not loaded."""
    try:
        return instruments.registry()
    except KeyError:
        return instruments.load_all()


def questionnaires(rng, group, enrolments):
    """Before at the first session for nearly all; after at the last for those who finished."""
    first, last = group.sessions[0].starts_at, group.sessions[-1].starts_at
    found, pending = instrument_registry(), []
    for index, enrolment in enumerate(enrolments):
        gain = rng.uniform(0.2, 1.4)
        for instrument_id in ("prfq", "mors_sf", "loaf", "asq_se2", "phq9", "gad7"):
            if (index + len(instrument_id)) % 13 != 5:
                add_response(rng, enrolment.dyad, found[instrument_id], Timepoint.PRE, first,
                             gain, pending)
            if enrolment.status == EnrolmentStatus.COMPLETED and (index + 2) % 9:
                add_response(rng, enrolment.dyad, found[instrument_id], Timepoint.POST, last,
                             gain, pending)
        if enrolment.status == EnrolmentStatus.COMPLETED:
            add_response(rng, enrolment.dyad, found["fft"], Timepoint.POST, last, gain,
                         pending)
    insert_answers_and_scores(pending)


def finished_group(rng, spec, venue, facilitator, today):
    name, weeks_ago, weekday, size, first_mobile = spec
    start = today - timedelta(weeks=weeks_ago, days=(today.weekday() - weekday) % 7)
    group = create_group(name=name, venue=venue, first_day=start, start_time=time(10, 0),
                         session_count=SESSIONS, languages=("en", "pt"),
                         facilitators=[facilitator], capacity=size + 2,
                         postcode_areas="SW9 SW2 SE5 SE11 SW8 SE27 SW4 SE24")
    group.status = GroupStatus.FINISHED
    db.session.flush()
    enrolments = []
    for index in range(size):
        dyad = make_parent(rng, first_mobile + index, index,
                           start - timedelta(weeks=2, days=index % 10))
        withdrew = index == size - 1
        enrolments.append(Enrolment(
            dyad=dyad, group=group, enrolled_at=london_moment(start - timedelta(weeks=2),
                                                               time(12)),
            status=EnrolmentStatus.WITHDRAWN if withdrew else EnrolmentStatus.COMPLETED,
            ended_at=group.sessions[-1].starts_at))
    db.session.add_all(enrolments)
    db.session.flush()
    registers(rng, group, enrolments)
    questionnaires(rng, group, enrolments)
    return group


def create_evaluation_demo(venue, facilitator, today: date):
    """The finished groups (once), and the sample deprivation lookup (once)."""
    if not db.session.scalar(sa.select(sa.func.count()).select_from(GeoImport)):
        import_sample()
    rng = random.Random(2024)  # noqa: S311 - made-up demo data, the same every time
    for spec in GROUPS:
        if db.session.scalar(sa.select(Group.id).where(Group.name == spec[0])) is None:
            finished_group(rng, spec, venue, facilitator, today)
    db.session.commit()
