"""`flask reminders send` (from cron, every few minutes) and `flask reminders worker` (a loop for
simple deployments). Both queue what is due and then send it; running twice sends nothing twice."""

import contextlib
import sys
import time as clock

import click

from pairs_group.cli_params import now_option
from pairs_group.db import db, utcnow
from pairs_group.reminders import service
from pairs_group.sms.service import dispatch_due, due_count, quiet_until

PROGRESS_FROM = 50  # show a progress bar for runs at least this big


@click.group("reminders")
def reminder_commands():
    """Session reminders by text."""


def progress_bar(length, label):
    return click.progressbar(length=length, label=label, file=sys.stderr,
                             show_pos=True) if length >= PROGRESS_FROM else None


def queue_due(now):
    due = service.not_yet_queued(service.due_reminders(now))
    bar = progress_bar(len(due), "Queueing reminders")
    with bar or contextlib.nullcontext():
        for count in service.queue_reminders(now, due):
            db.session.commit()  # a chunk per transaction
            if bar is not None:
                bar.update(count)
    return len(due)


def send_due(now):
    bar = progress_bar(due_count(now), "Sending texts")
    if bar is None:
        return dispatch_due(now=now)
    with bar:
        return dispatch_due(now=now, progress=bar.update)


def run_once(now):
    queued = queue_due(now)
    report = send_due(now)
    quiet = " (quiet hours: only urgent texts go now)" if quiet_until(now) else ""
    click.echo(f"{now.isoformat()}: {queued} reminders queued; sent {report.claimed}"
               f"{quiet}; {report.statuses or {}}")


@reminder_commands.command("send")
@now_option
@click.option("--dry-run", is_flag=True, help="Say what would be queued; change nothing.")
def send_command(now, dry_run):
    """Queue the reminders that are due and send every text that is due."""
    now = now or utcnow()
    if dry_run:
        due = service.not_yet_queued(service.due_reminders(now))
        for reminder in due:
            click.echo(f"would queue {reminder.key} ({reminder.parent.language})")
        click.echo(f"{len(due)} reminders would be queued; nothing was changed.")
        db.session.rollback()
        return
    run_once(now)


@reminder_commands.command("worker")
@click.option("--interval", type=click.IntRange(5, 3600), default=60, show_default=True,
              help="Seconds between runs.")
@click.option("--max-loops", type=click.IntRange(1, 1_000_000), default=1440, show_default=True,
              help="Stop after this many runs (let the process supervisor restart it).")
def worker_command(interval, max_loops):
    """Run `reminders send` every INTERVAL seconds, MAX_LOOPS times."""
    for loop in range(max_loops):
        run_once(utcnow())
        db.session.remove()
        if loop + 1 < max_loops:
            clock.sleep(interval)
