"""Staff accounts looked after by admins and operators: add a person with a one-time set-up
link, disable and enable, change a role, forget a lost authenticator app. Every change is
audited here, whichever door it came through (a page or `flask users`), and none leaves the
service without an active admin. Services flush; the caller commits."""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from pairs_group.audit.service import record
from pairs_group.auth import passwords
from pairs_group.auth.links import absolute_url
from pairs_group.auth.login import end_every_session
from pairs_group.auth.models import Role, StaffUser
from pairs_group.auth.service import AccountError, new_staff_user
from pairs_group.db import db, utcnow

SET_UP_ENDPOINT = "auth.set_up_account"


class LastAdminError(AccountError):
    """The change would leave no active admin to run the service."""


def list_staff():
    """Everyone with a staff account, active first, then by name."""
    return db.session.scalars(sa.select(StaffUser).order_by(
        StaffUser.active.desc(), StaffUser.name, StaffUser.email)).all()


def add_staff(email, name, role):
    """A new account with no password yet, and the one-time link that sets it."""
    user = new_staff_user(email, role, name)
    db.session.flush()
    record("staff.create", user, role=user.role.value)
    return user, make_set_up_link(user)


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def make_set_up_link(user):
    """A new set-up link for this person (an earlier one stops working): it sets a password,
    so it also serves someone who has forgotten theirs. Only its hash is stored."""
    token = secrets.token_urlsafe(32)
    hours = current_app.config["STAFF_SET_UP_LINK_HOURS"]
    user.set_up_token_hash = _digest(token)
    user.set_up_expires_at = utcnow() + timedelta(hours=hours)
    record("staff.set_up_link", user, hours=hours)
    return absolute_url(SET_UP_ENDPOINT, token=token)


def user_for_set_up(token):
    """The active person this unexpired, unused link is for, or None."""
    if not token or len(token) > 100:
        return None
    user = db.session.scalar(sa.select(StaffUser).where(
        StaffUser.set_up_token_hash == _digest(token)))
    usable = user is not None and user.active and user.set_up_expires_at > utcnow()
    return user if usable else None


def finish_set_up(user, token, password):
    """Set the password and use the link up. Of two presses of one link the database lets one
    through: the link is claimed in one conditional UPDATE."""
    problem = passwords.password_problem(password, user.email)
    if problem:
        raise AccountError(problem)
    claimed = db.session.execute(
        sa.update(StaffUser)
        .where(StaffUser.id == user.id, StaffUser.set_up_token_hash == _digest(token))
        .values(set_up_token_hash=None, set_up_expires_at=None)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise AccountError(_("This link has already been used."))
    db.session.refresh(user)
    user.set_password(password)
    end_every_session(user)  # a forgotten password reset this way ends the old sessions
    record("staff.set_up", user)


def disable(user):
    """The person can no longer sign in, and every session of theirs ends now."""
    if not user.active:
        return False
    _keep_an_admin(user)
    user.active = False
    user.set_up_token_hash = user.set_up_expires_at = None
    end_every_session(user)
    record("staff.disable", user)
    return True


def enable(user):
    if user.active:
        return False
    user.active = True
    record("staff.enable", user)
    return True


def set_role(user, role):
    """Give the person another role; False when it is the one they have."""
    role = Role(role)
    if user.role == role:
        return False
    if role != Role.ADMIN:
        _keep_an_admin(user)
    record("staff.role_change", user, before=user.role.value, after=role.value)
    user.role = role
    return True


def reset_two_factor(user):
    """Forget the person's authenticator app (a lost phone) and end their sessions: they set
    up a new one at their next sign-in."""
    user.totp_secret, user.totp_last_step = None, None
    end_every_session(user)
    record("staff.two_factor_reset", user)


def _keep_an_admin(user):
    """Refuse to disable or demote the last active admin. The admins' rows are locked (on
    PostgreSQL) in one order, so two admins removing each other at once cannot both succeed."""
    if user.role != Role.ADMIN or not user.active:
        return
    admins = db.session.scalars(
        sa.select(StaffUser.id).where(StaffUser.role == Role.ADMIN, StaffUser.active)
        .order_by(StaffUser.id).with_for_update()).all()
    if not set(admins) - {user.id}:
        raise LastAdminError(_("%(email)s is the only admin. Make someone else an admin first.",
                               email=user.email))
