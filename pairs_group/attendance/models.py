"""One attendance mark per enrolment and session."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pairs_group.auth.models import StaffUser
from pairs_group.db import UTCDateTime, db, utcnow
from pairs_group.groups.models import GroupSession
from pairs_group.parents.models import Enrolment


class AttendanceStatus(enum.StrEnum):
    ATTENDED = "attended"
    CANCELLED_BY_PARENT = "cancelled_by_parent"
    DID_NOT_ATTEND = "did_not_attend"
    CANCELLED_BY_SERVICE = "cancelled_by_service"


class Attendance(db.Model):
    __tablename__ = "attendance"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id"), index=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("group_session.id"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(
        sa.Enum(AttendanceStatus, native_enum=False, length=30)
    )
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Optimistic concurrency: a save names the version it saw; a changed version is a conflict.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    enrolment: Mapped[Enrolment] = relationship()
    session: Mapped[GroupSession] = relationship()
    recorded_by: Mapped[StaffUser | None] = relationship()
