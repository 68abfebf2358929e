"""`flask run-due`: every scheduled command in one run, each part isolated from the others."""

import sqlalchemy as sa

from pairs_group.db import db
from pairs_group.sms.models import OutboxMessage
from tests.conftest import count_rows


def test_run_due_runs_every_scheduled_command_and_sends_what_they_queue(runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    result = runner.invoke(args=["run-due"])
    assert result.exit_code == 0, result.output
    for part in ("waiting-list expire-offers", "sign-ups forget-expired", "retention apply",
                 "questionnaires send-links", "reminders send"):
        assert f"== {part}" in result.output
    assert "Everything due has run." in result.output
    links = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.kind == "questionnaire_link")).all()
    assert links and all(m.status.value == "sent" for m in links)


def test_one_failing_part_does_not_stop_the_others(runner, monkeypatch):
    from pairs_group.parents import places

    def broken():
        raise RuntimeError("the offers table is locked")

    monkeypatch.setattr(places, "expire_offers", broken)
    assert runner.invoke(args=["demo"]).exit_code == 0
    result = runner.invoke(args=["run-due"])
    assert result.exit_code == 1
    assert "FAILED waiting-list expire-offers: RuntimeError: the offers table is locked" in (
        result.output)
    assert "1 part(s) failed: waiting-list expire-offers" in result.output
    assert "== reminders send" in result.output and "Queued" in result.output
    assert count_rows(OutboxMessage) > 0  # the parts after it still queued and sent texts


def test_notify_statuses_are_polled_only_with_the_notify_backend(runner, make_app):
    result = runner.invoke(args=["run-due"])
    assert "notify-poll" not in result.output
    notify = make_app(SMS_BACKEND="notify", NOTIFY_API_KEY="key-" + "0" * 72)
    with notify.app_context():
        result = notify.test_cli_runner().invoke(args=["run-due"])
    assert result.exit_code == 0, result.output
    assert "== sms notify-poll" in result.output and "checked 0, updated 0" in result.output
