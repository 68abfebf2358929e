"""Parents, babies, the dyad they make, and a dyad's enrolment in a group."""

import enum
import secrets
from datetime import date, datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pairs_group.db import UTCDateTime, db, utcnow
from pairs_group.groups.models import Group


def new_pseudonym():
    """A stable random id for exports: says nothing about the person."""
    return "D" + secrets.token_hex(5).upper()


class Relationship(enum.StrEnum):
    MOTHER = "mother"
    FATHER = "father"
    OTHER_CARER = "other_carer"


class EnrolmentStatus(enum.StrEnum):
    WAITING = "waiting"
    ENROLLED = "enrolled"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"


class Parent(UserMixin, db.Model):
    __tablename__ = "parent"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    mobile: Mapped[str] = mapped_column(sa.String(20), unique=True)  # E.164
    email: Mapped[str | None] = mapped_column(sa.String(254))
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    relationship_to_baby: Mapped[Relationship] = mapped_column(
        sa.Enum(Relationship, native_enum=False, length=20), default=Relationship.MOTHER
    )
    postcode: Mapped[str] = mapped_column(sa.String(10), default="")
    interpreter_language: Mapped[str] = mapped_column(sa.String(60), default="")
    access_needs: Mapped[str] = mapped_column(sa.Text, default="")
    sms_opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    discreet_sms: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dyads: Mapped[list["Dyad"]] = relationship(back_populates="parent")

    kind = "parent"

    def get_id(self):
        return f"parent:{self.id}"


class Baby(db.Model):
    __tablename__ = "baby"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    date_of_birth: Mapped[date | None]
    due_date: Mapped[date | None]


class Dyad(db.Model):
    """One parent (or carer) and one baby: outcomes belong to the pair."""

    __tablename__ = "dyad"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(sa.ForeignKey("parent.id"), index=True)
    baby_id: Mapped[int] = mapped_column(sa.ForeignKey("baby.id"))
    pseudonym: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_pseudonym)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Parent] = relationship(back_populates="dyads")
    baby: Mapped[Baby] = relationship()
    enrolments: Mapped[list["Enrolment"]] = relationship(back_populates="dyad")


class Enrolment(db.Model):
    __tablename__ = "enrolment"
    __table_args__ = (sa.UniqueConstraint("dyad_id", "group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dyad_id: Mapped[int] = mapped_column(sa.ForeignKey("dyad.id"), index=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("group.id"), index=True)
    status: Mapped[EnrolmentStatus] = mapped_column(
        sa.Enum(EnrolmentStatus, native_enum=False, length=20), default=EnrolmentStatus.ENROLLED
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    dyad: Mapped[Dyad] = relationship(back_populates="enrolments")
    group: Mapped[Group] = relationship()
