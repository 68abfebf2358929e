"""The reminder day `make bench` measures (bench/mix.py), run small: under gunicorn, parents follow
their texted links, open their home and questions and save answers while facilitators open and
save registers and the dispatcher sends the reminders through the real twilio library to a fake
Twilio. No timing is asserted here (the figures belong to the benchmark); what is checked is that
a reminder day works: every kind of step is served without an error and every reminder goes."""

import pytest
import sqlalchemy as sa

from bench import mix, pages
from pairs_group.db import db, utcnow
from pairs_group.sms.models import MessageStatus, OutboxMessage


@pytest.fixture(scope="module")
def reminder_day(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('mix')}/mix.sqlite3"
    app = pages.make_app(url)
    pages.seed(app, 250)
    with app.app_context():
        db.engine.dispose()
    started = utcnow()
    result = mix.run(url, app, pages.SECRET_KEY, levels=(2, 4), seconds=3, reminders=60)
    return app, dict(result, started=started)


def test_every_kind_of_step_is_served_without_an_error(reminder_day):
    _app, result = reminder_day
    for level in result["levels"]:
        assert level["errors"] == 0, {k: v["error_statuses"] for k, v in level["kinds"].items()}
        assert set(level["kinds"]) >= {"parent home", "questionnaire page", "autosave",
                                       "text link", "register open", "register save"}


def test_the_days_reminders_all_go_once_beside_the_load(reminder_day):
    app, result = reminder_day
    assert result["queued_reminders"] == 60
    assert result["texts_sent"] == 60
    with app.app_context():
        statuses = db.session.scalars(sa.select(OutboxMessage.status).where(
            OutboxMessage.idempotency_key.like("bench-mix-%"))).all()
        db.session.remove()
    assert sorted(set(statuses)) == [MessageStatus.SENT]
    assert len(statuses) == 60


def test_saved_registers_and_answers_reached_the_database(reminder_day):
    app, result = reminder_day
    from pairs_group.attendance.models import Attendance
    from pairs_group.questionnaires.models import Answer

    with app.app_context():
        marks = db.session.scalar(sa.select(sa.func.count()).select_from(Attendance).where(
            Attendance.recorded_at >= result["started"], Attendance.recorded_by_id.is_not(None)))
        answers = db.session.scalar(sa.select(sa.func.count()).select_from(Answer).where(
            Answer.answered_at >= result["started"]))
        db.session.remove()
    assert marks > 0 and answers > 0
