"""Parents, babies, the dyad they make, and a dyad's enrolment in a group."""

import enum
import secrets
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pairs_group.auth.login import SessionVersioned
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


class Parent(SessionVersioned, db.Model):
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
    # Her phone number is blocked at the provider (she texted it STOP, or a text failed with
    # Twilio 21610): nothing reaches her until she texts START, whatever she asks of us.
    sms_carrier_blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    discreet_sms: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Raised at sign-out to end every session and remember-me cookie of hers at once.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    dyads: Mapped[list["Dyad"]] = relationship(back_populates="parent")

    kind = "parent"

    @property
    def first_name(self):
        """How a text greets her: her first name, so a long full name cannot cost a segment."""
        return (self.name or "").split(" ")[0]


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


class ConsentKind(enum.StrEnum):
    SMS = "sms"
    EVALUATION = "evaluation"


class Consent(db.Model):
    """One answer to one consent question: which wording she saw, when, and what she said.

    Never updated: a withdrawal is a new row, so the history stays; her current answer is the
    latest row of each kind.
    """

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(sa.ForeignKey("parent.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[ConsentKind] = mapped_column(sa.Enum(ConsentKind, native_enum=False, length=20))
    wording_version: Mapped[str] = mapped_column(sa.String(40))
    answer: Mapped[bool]
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    source: Mapped[str] = mapped_column(sa.String(20), default="sign_up")

    parent: Mapped[Parent] = relationship()


# Stored in AboutYou columns. NULL means the question was skipped (not answered);
# this value means she chose to tell us she would rather not say. Reports keep them apart.
PREFER_NOT_TO_SAY = "prefer_not_to_say"


class AboutYou(db.Model):
    """Her answers to the "about you" questions, for reach reporting."""

    __tablename__ = "about_you"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(sa.ForeignKey("parent.id", ondelete="CASCADE"),
                                           unique=True)
    ethnic_group: Mapped[str | None] = mapped_column(sa.String(40))  # Census 2021 code
    gender: Mapped[str | None] = mapped_column(sa.String(30))
    age_band: Mapped[str | None] = mapped_column(sa.String(30))
    relationship_status: Mapped[str | None] = mapped_column(sa.String(30))
    first_time_parent: Mapped[str | None] = mapped_column(sa.String(30))
    heard_from: Mapped[str | None] = mapped_column(sa.String(30))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Parent] = relationship()


class PendingSignUp(db.Model):
    """A sign-up in progress: her answers so far, kept until she finishes or it expires.

    Nothing else is stored until the last step makes the parent, baby, dyad, consents and
    enrolment in one transaction.
    """

    __tablename__ = "pending_sign_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(64), unique=True,
                                           default=lambda: secrets.token_urlsafe(32))
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class OfferStatus(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


class WaitingListOffer(db.Model):
    """A free place offered to a parent on a group's waiting list, until it expires."""

    __tablename__ = "waiting_list_offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    status: Mapped[OfferStatus] = mapped_column(
        sa.Enum(OfferStatus, native_enum=False, length=20), default=OfferStatus.OPEN, index=True)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    enrolment: Mapped[Enrolment] = relationship()


class EligibilityOverride(db.Model):
    """Staff let a parent join a group she is not eligible for, and said why."""

    __tablename__ = "eligibility_override"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    staff_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="SET NULL"))
    reasons_not_eligible: Mapped[str] = mapped_column(sa.String(200), default="")
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    enrolment: Mapped[Enrolment] = relationship()
