"""Venues, groups and the sessions of each group."""

import enum
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pairs_group.auth.models import Role, StaffUser
from pairs_group.db import UTCDateTime, db, utcnow


class GroupStatus(enum.StrEnum):
    OPEN = "open"
    RUNNING = "running"
    FINISHED = "finished"


class SessionStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    MOVED = "moved"


group_facilitator = sa.Table(
    "group_facilitator",
    db.Model.metadata,
    sa.Column("group_id", sa.ForeignKey("group.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("staff_user_id", sa.ForeignKey("staff_user.id", ondelete="CASCADE"),
              primary_key=True),
    # "My groups" (register, today, reports) look rows up by the member of staff.
    sa.Index("ix_group_facilitator_staff_user_id", "staff_user_id"),
)


def names_facilitator(group_id, staff_id):
    """Whether the group `group_id` names the member of staff `staff_id` among its facilitators,
    as a SQL expression: a page that reads a group for one member of staff asks it in the same
    statement, rather than loading every facilitator of the group (Group.is_run_by's `named`)."""
    return sa.exists().where(group_facilitator.c.group_id == group_id,
                             group_facilitator.c.staff_user_id == staff_id)


class Venue(db.Model):
    __tablename__ = "venue"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str] = mapped_column(sa.String(400), default="")
    postcode: Mapped[str] = mapped_column(sa.String(10), default="")
    access_notes: Mapped[str] = mapped_column(sa.Text, default="")
    # Raised by every edit: an edit names the version it started from, so a second admin's
    # save over a change she has not seen is refused (groups.service.claim_version).
    version: Mapped[int] = mapped_column(default=1, server_default="1")


class Group(db.Model):
    __tablename__ = "group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venue.id"), index=True)
    languages: Mapped[str] = mapped_column(sa.String(100), default="en")
    capacity: Mapped[int] = mapped_column(default=10)
    first_session_at: Mapped[datetime] = mapped_column(UTCDateTime)
    session_count: Mapped[int] = mapped_column(default=8)
    duration_minutes: Mapped[int] = mapped_column(default=90)
    status: Mapped[GroupStatus] = mapped_column(
        sa.Enum(GroupStatus, native_enum=False, length=20), default=GroupStatus.OPEN, index=True
    )
    # Eligibility is configuration: postcode districts or sectors (blank: the service's list),
    # and the baby's age in weeks at the first session (negative: still expected).
    postcode_areas: Mapped[str] = mapped_column(sa.Text, default="")
    min_baby_age_weeks: Mapped[int | None]
    max_baby_age_weeks: Mapped[int | None]
    accepts_pregnant: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # as Venue.version

    venue: Mapped[Venue] = relationship()
    facilitators: Mapped[list[StaffUser]] = relationship(secondary=group_facilitator)
    sessions: Mapped[list["GroupSession"]] = relationship(
        back_populates="group", order_by="GroupSession.starts_at", cascade="all, delete-orphan"
    )

    @property
    def language_codes(self):
        return [code for code in self.languages.split(",") if code]

    @property
    def finished_at(self):
        """When its last session ended (None for a group with no sessions)."""
        return max((session.ends_at for session in self.sessions), default=None)

    def is_run_by(self, staff, named=None):
        """runs_group for this group. `named`: whether she is named on it, when the caller read
        that with the group (names_facilitator); otherwise its facilitators are loaded to see."""
        if named is None:
            named = staff.role == Role.FACILITATOR and staff in self.facilitators
        return runs_group(staff, named)


def runs_group(staff, named):
    """THE object rule: admins run every group, a facilitator only those she is named on
    (`named`), evaluators none. groups.service.visible_groups is the same rule as a select."""
    return staff.role == Role.ADMIN or (staff.role == Role.FACILITATOR and bool(named))


class GroupSession(db.Model):
    """One meeting of a group (the UI calls it a session)."""

    __tablename__ = "group_session"
    __table_args__ = (sa.UniqueConstraint("group_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("group.id", ondelete="CASCADE"))
    number: Mapped[int]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    duration_minutes: Mapped[int] = mapped_column(default=90)
    status: Mapped[SessionStatus] = mapped_column(
        sa.Enum(SessionStatus, native_enum=False, length=20), default=SessionStatus.SCHEDULED
    )
    venue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("venue.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # Raised by every cancel or move: texts about a change are keyed by it, so each change is
    # told once, even a move back to a time the session had before.
    change_number: Mapped[int] = mapped_column(default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    group: Mapped[Group] = relationship(back_populates="sessions")
    venue_override: Mapped[Venue | None] = relationship()

    @property
    def venue(self):
        return self.venue_override or self.group.venue

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_cancelled(self):
        return self.status == SessionStatus.CANCELLED
