"""A referral: who referred, the family she referred, and where the invitation stands."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pairs_group.db import UTCDateTime, db, utcnow
from pairs_group.parents.models import Parent


class ReferralStatus(enum.StrEnum):
    NEW = "new"  # stored, invitation not yet sent
    INVITED = "invited"
    JOINED = "joined"
    DECLINED = "declined"
    LAPSED = "lapsed"
    NOT_ELIGIBLE = "not_eligible"


# Statuses in which the family may still follow her invitation and sign up.
OPEN = (ReferralStatus.NEW, ReferralStatus.INVITED)


class Referral(db.Model):
    """One family referred by one professional, with the family's consent.

    The family's details are only a suggestion for her sign-up: nothing is enrolled until she
    checks and completes it herself, and then `parent_id` links her to this referral.
    """

    __tablename__ = "referral"
    # When she deletes her account: kept without her details if she agreed to evaluation use
    # (the referral figures), else deleted (pairs_group/account/erasure.py).
    __table_args__ = {"info": {"erasure": "keep_anonymised"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[ReferralStatus] = mapped_column(
        sa.Enum(ReferralStatus, native_enum=False, length=20), default=ReferralStatus.NEW,
        index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    # The referrer (choices.REFERRER_ROLES code for her role).
    referrer_name: Mapped[str] = mapped_column(sa.String(120))
    referrer_role: Mapped[str] = mapped_column(sa.String(30), index=True)
    referrer_team: Mapped[str] = mapped_column(sa.String(160))
    referrer_email: Mapped[str] = mapped_column(sa.String(254), default="")
    referrer_phone: Mapped[str] = mapped_column(sa.String(20), default="")  # E.164 when a mobile
    tell_referrer: Mapped[bool] = mapped_column(default=False)
    consent_confirmed: Mapped[bool] = mapped_column(default=False)

    # The family.
    first_name: Mapped[str] = mapped_column(sa.String(120), info={"personal": True})
    mobile: Mapped[str] = mapped_column(sa.String(20), index=True,  # E.164
                                        info={"personal": True})
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    baby_date_of_birth: Mapped[date | None] = mapped_column(info={"personal": True})
    baby_due_date: Mapped[date | None] = mapped_column(info={"personal": True})
    postcode: Mapped[str] = mapped_column(sa.String(10), default="", info={"personal": True})
    interpreter_needed: Mapped[bool] = mapped_column(default=False)
    interpreter_language: Mapped[str] = mapped_column(sa.String(60), default="",
                                                      info={"personal": True})
    notes: Mapped[str] = mapped_column(sa.Text, default="", info={"personal": True})
    # Her texts name no service (someone else may read her phone); kept when she joins.
    discreet_sms: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    # What happened.
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # declined, lapsed, not elig.
    outcome_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="SET NULL"))
    referrer_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("parent.id", ondelete="SET NULL"), index=True)

    parent: Mapped[Parent | None] = relationship()

    @property
    def pregnant_when_referred(self):
        """Referred before the birth: the evaluation's 'during pregnancy' share."""
        return self.baby_due_date is not None and self.baby_date_of_birth is None
