"""Staff accounts (facilitators, admins and evaluators), and the texted links already followed."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pairs_group.access import Role  # noqa: F401 - the one role vocabulary
from pairs_group.auth import passwords
from pairs_group.auth.login import SessionVersioned
from pairs_group.db import UTCDateTime, db, utcnow


class StaffUser(SessionVersioned, db.Model):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(sa.Enum(Role, native_enum=False, length=20))
    active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    # Raised to end every signed-in session of this person at once ("sign out everywhere").
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Base32 TOTP secret once a second factor is set up; the last time step used stops replays.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A one-time set-up link an admin passes on (auth/accounts.py): only its SHA-256 is kept,
    # and it stops working once used, when it expires, or when a newer one is made.
    set_up_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    set_up_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    kind = "staff"

    @property
    def is_active(self):
        return self.active

    def set_password(self, password):
        self.password_hash = passwords.hash_password(password)

    def check_password(self, password):
        return passwords.check_password(self.password_hash, password)

    @property
    def has_password(self):
        """False for someone added by an admin who has not used their set-up link yet."""
        return bool(self.password_hash)

    @property
    def has_two_factor(self):
        return bool(self.totp_secret)

    def has_role(self, *roles):
        return self.role in roles


class UsedLink(db.Model):
    """A link from a text that has been followed once: following it again needs a sign-in."""

    __tablename__ = "used_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(sa.String(64), unique=True)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ShortLink(db.Model):
    """A short address for a link in a text: a texted link of 120 characters or more would take
    a third segment in Arabic or Polish. It only points at the signed link, which still expires
    and is spent on first use as before."""

    __tablename__ = "short_link"

    id: Mapped[int] = mapped_column(primary_key=True)  # erasure deletes rows by id
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("parent.id", ondelete="CASCADE"), index=True)
    # A referral's invitation goes to a family not yet signed up: its link has no parent.
    referral_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("referral.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(sa.String(2000))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
