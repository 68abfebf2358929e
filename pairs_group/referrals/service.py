"""Referrals as plain operations: store one and invite the family, remind then lapse, link her
when she joins, record staff's outcome and tell the referrer if she asked."""

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from pairs_group.audit.service import record
from pairs_group.auth.links import shorten, site_path
from pairs_group.db import db, utcnow
from pairs_group.parents.models import Parent
from pairs_group.parents.phones import mobile_e164, national
from pairs_group.referrals.models import OPEN, Referral, ReferralStatus
from pairs_group.sms.service import queue_sms, send_soon
from pairs_group.times import in_london
from pairs_group.tokens import BadToken, make_claims_token, read_claims

PURPOSE = "referral"
CLOSED_BY_STAFF = {"declined": ReferralStatus.DECLINED,
                   "not_eligible": ReferralStatus.NOT_ELIGIBLE}


def days(setting):
    return timedelta(days=int(current_app.config[setting]))


def link_max_age():
    """An invitation's link works until the referral lapses, and a day more."""
    return int((days("REFERRAL_LAPSE_DAYS") + timedelta(days=1)).total_seconds())


# ---- a professional refers a family ----

def make_referral(now=None, **details):
    """Store the referral and, for a number not yet signed up nor already invited, text her
    the invitation (sent once the caller commits). The same either way for the referrer."""
    now = now or utcnow()
    referral = Referral(created_at=now, consent_confirmed=True, **details)
    db.session.add(referral)
    db.session.flush()
    record("referrals.create", referral, role=referral.referrer_role)
    if not number_known(referral.mobile):
        invite(referral, now)
    return referral


def number_known(mobile):
    """Signed up already, or invited by an open referral: staff look at the new one instead
    of a second invitation."""
    parent = db.session.scalar(sa.select(Parent.id).where(Parent.mobile == mobile))
    invited = db.session.scalar(sa.select(Referral.id).where(
        Referral.mobile == mobile, Referral.status == ReferralStatus.INVITED))
    return parent is not None or invited is not None


def invite(referral, now):
    referral.status, referral.invited_at = ReferralStatus.INVITED, now
    send_soon(queue_text(referral, "referral_invitation"))


def queue_text(referral, kind):
    return queue_sms(kind, f"{kind}:{referral.id}", to=referral.mobile,
                     language=referral.language, context={
                         "name": referral.first_name, "link": invitation_link(referral),
                         "referral": referral.id, "discreet": referral.discreet_sms})


def invitation_link(referral):
    token = make_claims_token(PURPOSE, referral=referral.id, n=secrets.token_hex(4))
    return shorten(None, site_path("referrals.follow_invitation", token=token), link_max_age(),
                   referral_id=referral.id)


def referral_from_token(token):
    """The open referral an invitation's link names, or None (forged, old, or closed)."""
    try:
        claims = read_claims(token[:500], PURPOSE, link_max_age())
    except BadToken:
        return None
    referral = db.session.get(Referral, claims.get("referral")) \
        if isinstance(claims.get("referral"), int) else None
    return referral if referral is not None and referral.status in OPEN else None


def prefill(referral):
    """What her sign-up pages show her to check, from what the professional told us."""
    return {"name": referral.first_name, "mobile": national(referral.mobile),
            "postcode": referral.postcode,
            "date_of_birth": iso(referral.baby_date_of_birth),
            "due_date": iso(referral.baby_due_date),
            "needs_interpreter": "yes" if referral.interpreter_needed else "no",
            "interpreter_language": referral.interpreter_language}


def iso(day):
    return day.isoformat() if day else None


# ---- she joins ----

def link_joined(parent, answers=None, now=None, **_extra):
    """Listener of the sign-up's last step (same transaction): the referral she followed now
    names her; her texts stay discreet if the professional asked."""
    referral = db.session.get(Referral, (answers or {}).get("referral") or 0)
    if referral is None or referral.parent_id is not None:
        return
    referral.parent, referral.joined_at = parent, now or utcnow()
    referral.status = ReferralStatus.JOINED
    if referral.discreet_sms:
        parent.discreet_sms = True
    record("referrals.joined", referral)
    tell_referrer(referral, "joined")


# ---- the due work: one reminder, then lapse ----

def send_due(now=None):
    """Remind each unanswered invitation once, then lapse it (idempotent)."""
    now = now or utcnow()
    counts = {"reminders": 0, "lapsed": 0}
    waiting = db.session.scalars(sa.select(Referral).where(
        Referral.status == ReferralStatus.INVITED, Referral.invited_at
        <= now - days("REFERRAL_REMINDER_DAYS")).order_by(Referral.id).limit(5000)).all()
    for referral in waiting:
        if referral.invited_at <= now - days("REFERRAL_LAPSE_DAYS"):
            close(referral, ReferralStatus.LAPSED, now)
            tell_referrer(referral, "lapsed")
            counts["lapsed"] += 1
        elif referral.reminded_at is None:
            referral.reminded_at = now
            queue_text(referral, "referral_reminder")
            counts["reminders"] += 1
    db.session.flush()
    return counts


def close(referral, status, now, staff=None):
    referral.status, referral.closed_at = status, now
    referral.outcome_by_id = staff.id if staff is not None else None


# ---- staff ----

def record_outcome(referral, outcome, staff, now=None):
    """Staff's outcome (contacted, declined, not eligible), audited; the referrer is told of
    a closing one if she asked. Returns False when the referral is already closed."""
    now = now or utcnow()
    if outcome == "contacted":
        referral.contacted_at = now
    elif referral.status in OPEN:
        close(referral, CLOSED_BY_STAFF[outcome], now, staff)
        tell_referrer(referral, outcome)
    else:
        return False
    record("referrals.outcome", referral, outcome=outcome)
    return True


def tell_referrer(referral, outcome):
    """One text to the referrer's work mobile, in English: the date, a reference and the
    outcome only."""
    mobile = mobile_e164(referral.referrer_phone) if referral.tell_referrer else None
    if mobile is None:
        return None
    message = queue_sms("referral_outcome", f"referral_outcome:{referral.id}", to=mobile,
                        language="en", context={
                            "referred_on": in_london(referral.created_at).date().isoformat(),
                            "ref": reference(referral), "outcome": outcome})
    referral.referrer_told_at = utcnow()
    send_soon(message)
    return message


def reference(referral):
    """How the referrer and staff name a referral without naming the family."""
    return f"R{referral.id}"


def referrals(status=None, limit=500):
    query = sa.select(Referral).order_by(Referral.created_at.desc(), Referral.id.desc())
    if status:
        query = query.where(Referral.status == status)
    return db.session.scalars(query.limit(limit)).all()
