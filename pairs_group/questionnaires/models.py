"""Questionnaire responses, their raw answers, their scores, schedules and safeguarding flags."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pairs_group.db import UTCDateTime, db, utcnow
from pairs_group.parents.models import Dyad


class Timepoint(enum.StrEnum):
    PRE = "pre"
    POST = "post"


class HelpKind(enum.StrEnum):
    """Who helped her answer: the words were spoken through them."""

    INTERPRETER = "interpreter"
    COLLEAGUE = "colleague"  # a bilingual colleague
    FACILITATOR = "facilitator"  # the facilitator herself


class ResponseStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class QuestionnaireResponse(db.Model):
    """One dyad's answers to one instrument at one timepoint (pre and post pair by dyad)."""

    __tablename__ = "questionnaire_response"
    __table_args__ = (sa.UniqueConstraint("dyad_id", "instrument_id", "timepoint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dyad_id: Mapped[int] = mapped_column(sa.ForeignKey("dyad.id"), index=True)
    instrument_id: Mapped[str] = mapped_column(sa.String(40))
    instrument_version: Mapped[str] = mapped_column(sa.String(40))
    timepoint: Mapped[Timepoint] = mapped_column(sa.Enum(Timepoint, native_enum=False, length=10))
    status: Mapped[ResponseStatus] = mapped_column(
        sa.Enum(ResponseStatus, native_enum=False, length=20), default=ResponseStatus.IN_PROGRESS
    )
    language_shown: Mapped[str] = mapped_column(sa.String(8), default="en")
    # Null when the parent answered herself; the staff member who typed it in otherwise.
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    current_section: Mapped[int] = mapped_column(default=0)
    # Answered with help: a facilitator went through it with her (on the register's link), in
    # the language spoken (an app language's code, or the name typed for another), helped by
    # an interpreter, a bilingual colleague or the facilitator herself.
    assisted: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    helped_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    help_language: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    help_kind: Mapped[HelpKind | None] = mapped_column(
        sa.Enum(HelpKind, native_enum=False, length=20))
    # She asked for help from her phone (no checked translation in her language); the
    # facilitator is told until the answers are sent.
    help_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Practitioner ratings (LOAF, ASQ:SE-2, paper MORS): who rated and on what day.
    rater: Mapped[str] = mapped_column(sa.String(120), default="")
    assessed_on: Mapped[date | None]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    dyad: Mapped[Dyad] = relationship()
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )
    scores: Mapped[list["Score"]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )

    @property
    def is_submitted(self):
        return self.status == ResponseStatus.SUBMITTED


class Answer(db.Model):
    """One raw answer, kept as given (scores are derived from these)."""

    __tablename__ = "questionnaire_answer"
    __table_args__ = (sa.UniqueConstraint("response_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questionnaire_response.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(sa.String(40))
    value: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(sa.Text)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    response: Mapped[QuestionnaireResponse] = relationship(back_populates="answers")


class Score(db.Model):
    """One subscale score of a submitted response (value null when too many answers are missing)."""

    __tablename__ = "questionnaire_score"
    __table_args__ = (sa.UniqueConstraint("response_id", "subscale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questionnaire_response.id", ondelete="CASCADE"), index=True
    )
    subscale: Mapped[str] = mapped_column(sa.String(40))
    value: Mapped[float | None] = mapped_column(sa.Float)
    valid: Mapped[bool] = mapped_column(default=True)

    response: Mapped[QuestionnaireResponse] = relationship(back_populates="scores")


class GroupInstrument(db.Model):
    """A group's own schedule row: this instrument at this timepoint (no rows: the default plan)."""

    __tablename__ = "questionnaire_group_instrument"
    __table_args__ = (sa.UniqueConstraint("group_id", "instrument_id", "timepoint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("group.id", ondelete="CASCADE"), index=True)
    instrument_id: Mapped[str] = mapped_column(sa.String(40))
    timepoint: Mapped[Timepoint] = mapped_column(sa.Enum(Timepoint, native_enum=False, length=10))


class SafeguardingFlag(db.Model):
    """A risk answer (e.g. PHQ-9 item 9 above 0) that staff must see and act on."""

    __tablename__ = "questionnaire_safeguarding_flag"
    __table_args__ = (sa.UniqueConstraint("response_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dyad_id: Mapped[int] = mapped_column(sa.ForeignKey("dyad.id"), index=True)
    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questionnaire_response.id", ondelete="CASCADE")
    )
    item_id: Mapped[str] = mapped_column(sa.String(40))
    value: Mapped[int]
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    dyad: Mapped[Dyad] = relationship()
