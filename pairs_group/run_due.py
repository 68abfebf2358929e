"""`flask run-due`: everything scheduled, for one crontab line. Each part runs on its own, so
one that fails is reported and the others still run; the exit status says if any failed."""

import click
from flask import current_app

from pairs_group.db import db

# (group, command). Offers, sign-ups, retention, questionnaire links and referral reminders
# first; then asking the provider about texts whose answer was lost; `reminders send` last,
# because it also sends every text the parts before it queued.
PARTS = [
    ("waiting-list", "expire-offers"),
    ("sign-ups", "forget-expired"),
    ("retention", "apply"),
    ("questionnaires", "send-links"),
    ("referrals", "send-due"),
    ("sms", "resolve-unknown"),
    ("reminders", "send"),
]
NOTIFY_PART = ("sms", "notify-poll")  # only when texts go through GOV.UK Notify


def parts():
    """The commands that are due every run, as (name, click command)."""
    chosen = list(PARTS)
    if current_app.config["SMS_BACKEND"].strip().lower() == "notify":
        chosen.append(NOTIFY_PART)
    commands = current_app.cli.commands
    return [(f"{group} {name}", commands[group].commands[name]) for group, name in chosen]


def run_part(ctx, name, command):
    """Run one part; True when it finished. A failure is rolled back and said in one line."""
    click.echo(f"== {name}")
    try:
        ctx.invoke(command)
    except Exception as error:  # noqa: BLE001 - one part's failure must not stop the others
        db.session.rollback()
        message = error.format_message() if isinstance(error, click.ClickException) else (
            f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
        click.echo(f"FAILED {name}: {message}", err=True)
        return False
    return True


@click.command("run-due")
@click.pass_context
def run_due_command(ctx):
    """Run every scheduled command that is due (cron: every 5 minutes)."""
    failed = [name for name, command in parts() if not run_part(ctx, name, command)]
    if failed:
        click.echo(f"{len(failed)} part(s) failed: {', '.join(failed)}", err=True)
        ctx.exit(1)
    click.echo("Everything due has run.")


def init_app(app):
    app.cli.add_command(run_due_command)
