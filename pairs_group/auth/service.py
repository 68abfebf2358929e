"""Staff account operations, as plain functions."""

import sqlalchemy as sa

from pairs_group.auth.models import Role, StaffUser
from pairs_group.db import db

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """An account cannot be made as asked; the message says why."""


def find_staff_by_email(email):
    email = (email or "").strip().lower()
    return db.session.scalar(sa.select(StaffUser).where(StaffUser.email == email))


def authenticate_staff(email, password):
    """The active staff user with this email and password, or None."""
    user = find_staff_by_email(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    return user


def create_staff_user(email, password, role, name=""):
    """A new staff account; the caller commits."""
    email = email.strip().lower()
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.")
    if find_staff_by_email(email):
        raise AccountError(f"There is already a staff account for {email}.")
    user = StaffUser(email=email, name=name or email.split("@")[0], role=Role(role))
    user.set_password(password)
    db.session.add(user)
    return user
