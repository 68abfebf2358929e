"""`flask users ...`: make staff accounts, reset a lost authenticator, print a demo code."""

import sys

import click
from flask import current_app

from pairs_group.audit.service import record
from pairs_group.auth import totp
from pairs_group.auth.login import end_every_session
from pairs_group.auth.models import Role
from pairs_group.auth.service import AccountError, create_staff_user, find_staff_by_email
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
        db.session.flush()
        record("staff.create", user, role=user.role.value)
        db.session.commit()
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.role.value} account {user.email}")


@users.command("totp-code")
@click.argument("email")
def totp_code(email):
    """Print the current sign-in code of a demo or test account (never in production)."""
    if current_app.config["PAIRS_ENV"] == "production":
        raise click.ClickException("Codes are never printed in production.")
    user = find_staff_by_email(email)
    if user is None or not user.has_two_factor:
        raise click.ClickException(f"{email} has no authenticator app set up.")
    click.echo(totp.current_code(user.totp_secret))


@users.command("reset-two-factor")
@click.argument("email")
def reset_two_factor(email):
    """Forget a person's authenticator app (lost phone): they set up a new one at sign-in."""
    user = find_staff_by_email(email)
    if user is None:
        raise click.ClickException(f"There is no staff account for {email}.")
    user.totp_secret, user.totp_last_step = None, None
    end_every_session(user)
    record("staff.two_factor_reset", user)
    db.session.commit()
    click.echo(f"{email} will set up a new authenticator app at their next sign-in.")
