"""`flask retention apply [--dry-run]`: erase or anonymise what is past the retention period."""

import click
from flask import current_app

from pairs_group.db import db, utcnow
from pairs_group.privacy import service
from pairs_group.times import london_today


@click.group("retention")
def retention():
    """Keep personal data no longer than needed."""


def describe(due):
    pseudonyms = ", ".join(due.pseudonyms) or "no baby recorded"
    return f"  parent #{due.parent_id} ({pseudonyms}), not needed since {london_today(due.since)}"


@retention.command("apply")
@click.option("--dry-run", is_flag=True, help="Only list what would be erased.")
def apply(dry_run):
    """Erase parents whose groups all finished more than RETENTION_MONTHS ago."""
    months, now = current_app.config["RETENTION_MONTHS"], utcnow()
    if dry_run:
        due = service.find_due(now, months)
        click.echo(f"{len(due)} parent(s) past {months} months would be erased:")
        for item in due:
            click.echo(describe(item))
        return
    done = []
    for due, result in service.apply_retention(now, months):
        db.session.commit()  # one parent per transaction
        done.append(due)
        click.echo(describe(due) + f": {result['deleted']} rows deleted, "
                   f"{result['kept']} kept without her name")
    click.echo(f"Erased {len(done)} parent(s) past {months} months.")
