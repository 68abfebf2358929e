"""Each group's reminder times: so many days before a session, at a London wall-clock time."""

from datetime import time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pairs_group.db import db

# Without rows of its own a group gets these: two days before at 10:00, on the day at 08:30.
DEFAULT_OFFSETS = ((2, time(10, 0)), (0, time(8, 30)))
MAX_DAYS_BEFORE = 14


class ReminderOffset(db.Model):
    __tablename__ = "reminder_offset"
    __table_args__ = (sa.UniqueConstraint("group_id", "days_before", "at_time"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("group.id", ondelete="CASCADE"),
                                          index=True)
    days_before: Mapped[int]
    at_time: Mapped[time] = mapped_column(sa.Time)

    @property
    def label(self):
        return f"{self.days_before}d{self.at_time:%H%M}"
