"""`flask users ...`: staff accounts for operators: make, list, disable and enable them, change
a role, reset a lost authenticator, print a demo code. The changes themselves (and their audit
events) are auth/accounts.py's, shared with the admins' pages."""

import sys

import click
from flask import current_app

from pairs_group.audit.service import record
from pairs_group.auth import accounts, totp
from pairs_group.auth.models import Role
from pairs_group.auth.service import AccountError, create_staff_user, find_staff_by_email
from pairs_group.db import db
from pairs_group.times import in_london

ROLES = click.Choice([r.value for r in Role])


@click.group("users")
def users():
    """Staff accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--role", type=ROLES, required=True)
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


def staff_named(email):
    """The account with this email, or a message saying there is none."""
    user = find_staff_by_email(email)
    if user is None:
        raise click.ClickException(f"There is no staff account for {email}.")
    return user


def commit_or_refuse(change, *args):
    """Make the change and commit it, or print why not (exit status 1), changing nothing."""
    try:
        changed = change(*args)
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    return changed


@users.command("reset-two-factor")
@click.argument("email")
def reset_two_factor(email):
    """Forget a person's authenticator app (lost phone): they set up a new one at sign-in."""
    commit_or_refuse(accounts.reset_two_factor, staff_named(email))
    click.echo(f"{email} will set up a new authenticator app at their next sign-in.")


@users.command("list")
def list_users():
    """Every staff account: email, role, active or not, last sign-in (London time)."""
    rows = [("EMAIL", "ROLE", "ACTIVE", "LAST SIGN-IN")]
    rows += [(u.email, u.role.value, "yes" if u.active else "no", last_sign_in(u))
             for u in accounts.list_staff()]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
                   + "  " + row[3])


def last_sign_in(user):
    if user.last_signed_in_at is None:
        return "never"
    return in_london(user.last_signed_in_at).strftime("%Y-%m-%d %H:%M")


@users.command("disable")
@click.argument("email")
def disable(email):
    """Stop a person signing in (a leaver) and end every session of theirs now."""
    if commit_or_refuse(accounts.disable, staff_named(email)):
        click.echo(f"Disabled {email}: they cannot sign in, and have been signed out everywhere.")
    else:
        click.echo(f"{email} was already disabled.")


@users.command("enable")
@click.argument("email")
def enable(email):
    """Let a disabled person sign in again (with their password as it was)."""
    if commit_or_refuse(accounts.enable, staff_named(email)):
        click.echo(f"Enabled {email}: they can sign in again.")
    else:
        click.echo(f"{email} was already enabled.")


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLES)
def set_role(email, role):
    """Make a person a facilitator, admin or evaluator."""
    if commit_or_refuse(accounts.set_role, staff_named(email), role):
        click.echo(f"{email} is now {role}.")
    else:
        click.echo(f"{email} was already {role}.")
