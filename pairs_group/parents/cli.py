"""Commands for cron: move expired waiting-list offers on; forget unfinished sign-ups."""

import click

from pairs_group.db import db
from pairs_group.parents import places, service


@click.group("waiting-list")
def waiting_list_commands():
    """Waiting lists of groups."""


@waiting_list_commands.command("expire-offers")
def expire_offers_command():
    """Close offers nobody answered in time and offer those places to the next parents."""
    expired, offered = places.expire_offers()
    db.session.commit()
    click.echo(f"{len(expired)} offers expired, {len(offered)} new offers made.")


@click.group("sign-ups")
def sign_up_commands():
    """Sign-ups in progress."""


@sign_up_commands.command("forget-expired")
def forget_expired_command():
    """Delete unfinished sign-ups that have expired (nothing of them is kept)."""
    count = service.forget_expired_sign_ups()
    db.session.commit()
    click.echo(f"{count} unfinished sign-ups deleted.")
