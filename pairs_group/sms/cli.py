"""`flask sms ...`: send what is due now, ask GOV.UK Notify how sent texts got on, and ask the
provider about texts whose answer was lost."""

from datetime import timedelta

import click
import sqlalchemy as sa

from pairs_group.cli_params import now_option
from pairs_group.db import db, utcnow
from pairs_group.sms import service
from pairs_group.sms.models import MessageStatus, OutboxMessage


@click.group("sms")
def sms_commands():
    """Texts: send what is due, check delivery."""


@sms_commands.command("dispatch")
@now_option
@click.option("--limit", type=click.IntRange(1, 1_000_000), default=100_000)
def dispatch_command(now, limit):
    """Send every text that is due (safe to run from several machines at once)."""
    report = service.dispatch_due(now=now or utcnow(), limit=limit)
    click.echo(f"claimed {report.claimed}; {report.statuses or 'nothing sent'}; "
               f"deferred to the morning {report.deferred}; marked unknown {report.expired}")


@sms_commands.command("resolve-unknown")
@now_option
def resolve_unknown_command(now):
    """Ask the provider what became of texts whose outcome is unknown (never resends)."""
    from pairs_group.sms.resolve import resolve_unknown

    found = resolve_unknown(now=now or utcnow())
    click.echo(f"asked about {sum(found.values())} unknown text(s): sent {found['sent']}, "
               f"never sent {found['not sent']}, still unknown {found['unknown']}")


@sms_commands.command("notify-poll")
@click.option("--days", type=click.IntRange(1, 7), default=3)
def notify_poll_command(days):
    """Ask Notify for the status of texts sent in the last few days (Notify backend only)."""
    from pairs_group.sms.webhooks import NOTIFY_STATUSES, notify_error, update_status

    backend = service.backend()
    if getattr(backend, "name", "") != "notify":
        raise click.ClickException("The SMS backend is not notify.")
    messages = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.status == MessageStatus.SENT, OutboxMessage.provider_id.is_not(None),
        OutboxMessage.sent_at >= utcnow() - timedelta(days=days)).limit(5000)).all()
    changed = 0
    for message in messages:
        raw = backend.status_of(message.provider_id)
        status = NOTIFY_STATUSES.get(raw)
        changed += bool(status and update_status(message, status, notify_error(raw)))
    db.session.commit()
    click.echo(f"checked {len(messages)}, updated {changed}")
