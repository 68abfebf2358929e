"""The outbox: every text is stored before it is sent, once, under a unique idempotency key."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pairs_group.db import UTCDateTime, db, utcnow


class MessageStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    UNKNOWN = "unknown"  # claimed, then the provider's answer was lost: reviewed, never resent
    SKIPPED_OPTED_OUT = "skipped_opted_out"
    SKIPPED_NO_CONSENT = "skipped_no_consent"
    SKIPPED_NOT_NEEDED = "skipped_not_needed"  # e.g. the session was cancelled since it was queued
    SKIPPED_CARRIER_BLOCKED = "skipped_carrier_blocked"  # her number is blocked at the provider
    DEFERRED_QUIET_HOURS = "deferred_quiet_hours"


# Statuses the dispatcher may pick up, statuses nothing may move a message out of, and those
# staff should look at.
WAITING = (MessageStatus.PENDING, MessageStatus.DEFERRED_QUIET_HOURS)
FINAL = (MessageStatus.DELIVERED, MessageStatus.UNDELIVERED, MessageStatus.FAILED,
         MessageStatus.SKIPPED_OPTED_OUT, MessageStatus.SKIPPED_NO_CONSENT,
         MessageStatus.SKIPPED_NOT_NEEDED, MessageStatus.SKIPPED_CARRIER_BLOCKED)
NEEDS_ATTENTION = (MessageStatus.FAILED, MessageStatus.UNDELIVERED, MessageStatus.UNKNOWN)


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"
    __table_args__ = (sa.Index("ix_outbox_message_due", "status", "send_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(40), index=True)
    to: Mapped[str] = mapped_column(sa.String(20))
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("parent.id", ondelete="SET NULL"), index=True)
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("group_session.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    context: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    body: Mapped[str] = mapped_column(sa.Text, default="")  # rendered when sent, not when queued
    segments: Mapped[int] = mapped_column(default=0)
    encoding: Mapped[str] = mapped_column(sa.String(8), default="")
    status: Mapped[MessageStatus] = mapped_column(
        sa.Enum(MessageStatus, native_enum=False, length=30), default=MessageStatus.PENDING)
    provider_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    error_code: Mapped[str | None] = mapped_column(sa.String(20))
    error_message: Mapped[str | None] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(default=0)
    urgent: Mapped[bool] = mapped_column(default=False)  # sign-in codes: sent even at night
    send_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Staff sent this text again as a new one: that one points back here (unique: once only).
    resent_from_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_message.id", ondelete="SET NULL"), unique=True)
    # Staff looked into an "unknown" text (with her, or at the provider): who and when.
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    checked_by = relationship("StaffUser")


class InboundAction(enum.StrEnum):
    OPTED_OUT = "opted_out"
    OPTED_IN = "opted_in"
    HELP = "help"
    CANT_COME = "cant_come"
    INBOX = "inbox"  # for staff to read


class InboundMessage(db.Model):
    """A text a parent sent us, and what was done with it."""

    __tablename__ = "inbound_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    from_number: Mapped[str] = mapped_column(sa.String(32))
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("parent.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(sa.Text, default="")
    action: Mapped[InboundAction] = mapped_column(
        sa.Enum(InboundAction, native_enum=False, length=20), default=InboundAction.INBOX)
    possible_opt_out: Mapped[bool] = mapped_column(default=False)  # "please stop texting me"
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))


class OptOutEvent(db.Model):
    """Every opt-out and opt-in, timestamped (PECR): the parent's flag says only the latest."""

    __tablename__ = "sms_opt_out_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("parent.id", ondelete="SET NULL"), index=True)
    number: Mapped[str] = mapped_column(sa.String(32))
    opted_out: Mapped[bool]  # False: opted back in
    source: Mapped[str] = mapped_column(sa.String(40))  # keyword, provider error, staff
    keyword: Mapped[str] = mapped_column(sa.String(40), default="")
    # The provider blocked (or unblocked) her number too: its own STOP/START words, or 21610.
    at_carrier: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
