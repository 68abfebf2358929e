"""`flask users create`: make a staff account from the command line."""

import sys

import click

from pairs_group.auth.models import Role
from pairs_group.auth.service import AccountError, create_staff_user
from pairs_group.db import db


@click.group("users")
def users():
    """Staff accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default="")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create(email, role, name, password_stdin):
    """Create a staff account (the password is prompted for unless --password-stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_staff_user(email, password, role, name)
        db.session.commit()
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.role.value} account {user.email}")
