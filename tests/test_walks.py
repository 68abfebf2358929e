"""The code review's three journeys (../shared/reviews/code-review-2026-12.md §2), walked again:
each comes back to a file it had left fewer times than at the review's commit (ae31b3c), where
this walk (tests/walks.py) counted 8 returns for a questionnaire page opened and 15 for one
saved, 8 for a register saved (as the review did) and 15 for a reminder run. A walk that goes
back and forth between files as often again fails here: say why the new path must, or give its
owner the rule it keeps asking about."""

from datetime import datetime, time

from pairs_group.db import db
from pairs_group.reminders.cli import run_once
from tests import factories
from tests.attendance_factories import make_group_meeting_today
from tests.pages import post_form, url
from tests.questionnaires_factories import family, grant_link, questionnaire
from tests.test_reminders_send import FIRST_DAY, TWO_DAYS_BEFORE, enrolled
from tests.walks import walk, walk_view

SECTION = "questionnaires.section"
AT_THE_REVIEW = {"questionnaire page": 8, "questionnaire saved": 15, "register saved": 8,
                 "reminders sent": 15}


def fewer_returns(journey, found):
    assert found.returns < AT_THE_REVIEW[journey], f"{journey}: {found}"


def test_a_questionnaire_page_opened_and_saved(app, client):
    parent, enrolment = family()
    hers = questionnaire(enrolment)
    grant_link(client, parent)
    post_form(client, "questionnaires.about", {}, **hers)
    page = url(client, SECTION, number=1, **hers)
    shown, opened = walk_view(app, SECTION, lambda: client.get(page))
    assert shown.status_code == 200
    fewer_returns("questionnaire page", opened)
    answers = {f"item-{number}": "5" for number in range(1, 6)}
    sent, saved = walk_view(app, SECTION, lambda: client.post(page, data=answers))
    assert sent.status_code == 302
    fewer_returns("questionnaire saved", saved)


def test_a_register_saved(app, client, sign_in):
    me = sign_in("facilitator")
    _group, session, families = make_group_meeting_today(facilitators=[me])
    db.session.commit()
    marks = {}
    for enrolment in families:
        marks.update({f"version-{enrolment.id}": "0", f"was-{enrolment.id}": "",
                      f"status-{enrolment.id}": "attended"})
    register = url(client, "attendance.save_register", session_id=session.id)
    sent, saved = walk_view(app, "attendance.save_register",
                            lambda: client.post(register, data=marks))
    assert sent.status_code == 302
    fewer_returns("register saved", saved)


def test_a_reminder_run(app):
    group = factories.make_group(first_day=FIRST_DAY, start_time=time(10, 0))
    db.session.flush()
    for language in ("pt", "es", "ar"):
        enrolled(group, language)
    db.session.commit()
    _nothing, sent = walk(run_once, datetime.fromisoformat(TWO_DAYS_BEFORE))
    assert [name for _path, name in sent.steps].count("send_batch") == 1
    fewer_returns("reminders sent", sent)
