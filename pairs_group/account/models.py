"""Sign-in codes (stored hashed) and the secret behind each parent's calendar feed."""

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pairs_group.db import UTCDateTime, db, utcnow


class CodePurpose:
    SIGN_IN = "sign_in"
    CHANGE_MOBILE = "change_mobile"


class SignInCode(db.Model):
    """One code texted to one number. A code for a number nobody has is stored too (and never
    sent), so the pages and timing are the same whether or not a number is known."""

    __tablename__ = "sign_in_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    mobile: Mapped[str] = mapped_column(sa.String(20), index=True)  # E.164: where it went
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("parent.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(20), default=CodePurpose.SIGN_IN)
    salt: Mapped[str] = mapped_column(sa.String(32))
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def new_feed_token():
    return secrets.token_urlsafe(24)


class CalendarFeed(db.Model):
    """The secret in her calendar feed's address; a new one makes the old address stop working."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(
        sa.ForeignKey("parent.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_feed_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
