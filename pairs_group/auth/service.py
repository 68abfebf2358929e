"""Staff account operations (and either kind of person's language), as plain functions."""

import sqlalchemy as sa
from flask_babel import gettext as _

from pairs_group.audit.service import record
from pairs_group.auth import passwords, totp
from pairs_group.auth.emails import staff_email_problem
from pairs_group.auth.login import end_every_session
from pairs_group.auth.models import Role, StaffUser
from pairs_group.db import db, utcnow

MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH


class AccountError(ValueError):
    """An account cannot be made as asked; the message says why."""


def find_staff_by_email(email):
    email = (email or "").strip().lower()
    return db.session.scalar(sa.select(StaffUser).where(StaffUser.email == email))


def authenticate_staff(email, password):
    """The active staff user with this email and password, or None. A hash made with older
    settings is replaced by today's while the password is at hand (the caller commits)."""
    user = find_staff_by_email(email)
    usable = user is not None and user.active
    # A hash is checked every time, a dummy one when there is no usable account: the same
    # work, so how long the answer takes does not tell whether the email has an account.
    right = passwords.check_password(user.password_hash if usable else None, password)
    if not (usable and right):
        return None
    if passwords.needs_rehash(user.password_hash):
        user.set_password(password)
    return user


def create_staff_user(email, password, role, name=""):
    """A new staff account with a password (`flask users create`); the caller commits."""
    user = new_staff_user(email, role, name, password=password)
    user.set_password(password)
    return user


def new_staff_user(email, role, name="", password=None):
    """A new staff account, added to the session with no password yet (the caller sets the
    one given, or makes a set-up link). AccountError for an address the sign-in page would
    refuse, a password that may not be used, or an address that already has an account."""
    email = email.strip().lower()
    problem = staff_email_problem(email)
    if problem:
        raise AccountError(f"{email!r} is not an email address the sign-in page accepts: {problem}")
    problem = passwords.password_problem(password, email) if password is not None else None
    if problem:
        raise AccountError(problem)
    if find_staff_by_email(email):
        raise AccountError(_("There is already a staff account for %(email)s.", email=email))
    user = StaffUser(email=email, name=name or email.split("@")[0], role=Role(role),
                     password_hash="")
    db.session.add(user)
    return user


def save_language(person, code):
    """A signed-in person's (staff or parent) choice of language, saved for every page and
    text from now on; False when it was that already. The caller commits."""
    if person.language == code:
        return False
    person.language = code
    record("account.language", person, language=code)
    return True


def note_sign_in(user):
    """Remember when the person last signed in (shown to admins and by `users list`)."""
    user.last_signed_in_at = utcnow()


def sign_out_everywhere(user):
    """End every session this person has, on every device (the caller commits)."""
    end_every_session(user)
    record("staff.sign_out_everywhere", user)


def set_up_two_factor(user, secret, code):
    """Keep the secret once a code from it proves the app has it; False if the code is wrong."""
    step = totp.matching_step(secret, code)
    if step is None:
        return False
    user.totp_secret, user.totp_last_step = secret, step
    record("staff.two_factor_set_up", user)
    return True
