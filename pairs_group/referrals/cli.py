"""`flask referrals send-due`: reminders and lapses of unanswered invitations (run-due runs it)."""

import click

from pairs_group.cli_params import now_option
from pairs_group.db import db
from pairs_group.referrals import service


@click.group("referrals")
def referral_commands():
    """Referrals from professionals."""


@referral_commands.command("send-due")
@now_option
def send_due_command(now):
    """Remind each unanswered invitation once, then lapse it (idempotent)."""
    counts = service.send_due(now)
    db.session.commit()
    click.echo(f"{counts['reminders']} reminders queued, {counts['lapsed']} invitations lapsed.")
