"""Audit events. Rows are only ever added: nothing in the app updates or deletes them."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pairs_group.db import UTCDateTime, db, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(sa.String(40), index=True)  # "staff:3", "parent:9", "system"
    action: Mapped[str] = mapped_column(sa.String(60), index=True)  # e.g. "attendance.change"
    target_type: Mapped[str] = mapped_column(sa.String(40), default="")
    target_id: Mapped[str] = mapped_column(sa.String(40), default="")
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    ip_address: Mapped[str] = mapped_column(sa.String(45), default="")
