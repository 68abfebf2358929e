"""Consent: the exact wording each question was asked in, and every answer given since.

A change of wording gets a new version, so we always know what a parent agreed to.
"""

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from pairs_group.audit.service import record
from pairs_group.db import db, utcnow
from pairs_group.parents.models import Consent, ConsentKind, Parent

WORDING = {
    ConsentKind.SMS: ("sms-2026-1", _l(
        "Can we send you text messages? We text to say welcome, to remind you before each "
        "session, and if a session changes. You can stop them at any time.")),
    ConsentKind.EVALUATION: ("evaluation-2026-1", _l(
        "Can we use your answers to see how well Together Time works? We take out your name, "
        "phone number and address first, so nobody can tell the answers are yours. Saying no "
        "does not change your place in the group.")),
}


def wording(kind):
    return WORDING[ConsentKind(kind)][1]


def wording_version(kind):
    return WORDING[ConsentKind(kind)][0]


def record_consent(parent, kind, answer, *, version=None, source="sign_up", at=None):
    """Store one answer to one consent question (the caller commits)."""
    kind = ConsentKind(kind)
    consent = Consent(parent=parent, kind=kind, answer=bool(answer),
                      wording_version=version or wording_version(kind),
                      answered_at=at or utcnow(), source=source)
    db.session.add(consent)
    return consent


def give_consent(parent: Parent, kind, *, version=None, source="settings"):
    """She says yes (again); audited. The caller commits."""
    consent = record_consent(parent, kind, True, version=version, source=source)
    record("consent.give", parent, kind=str(consent.kind), version=consent.wording_version)
    return consent


def withdraw_consent(parent: Parent, kind, *, source="settings"):
    """She takes back her yes; audited. The caller commits."""
    consent = record_consent(parent, kind, False, source=source)
    record("consent.withdraw", parent, kind=str(consent.kind), version=consent.wording_version)
    return consent


def current_consent(parent: Parent, kind):
    """Her latest answer to one question: True, False, or None if never asked."""
    latest = db.session.scalar(
        sa.select(Consent).where(Consent.parent_id == parent.id,
                                 Consent.kind == ConsentKind(kind))
        .order_by(Consent.answered_at.desc(), Consent.id.desc()).limit(1))
    return None if latest is None else latest.answer


def consent_history(parent: Parent):
    return db.session.scalars(sa.select(Consent).where(Consent.parent_id == parent.id)
                              .order_by(Consent.answered_at, Consent.id)).all()


def consent_allows(answer):
    """Her latest answer to the SMS consent question. A parent never asked (added before
    consent was recorded) counts as agreeing unless SMS_REQUIRE_CONSENT_RECORD is set."""
    if answer is None:
        return not current_app.config["SMS_REQUIRE_CONSENT_RECORD"]
    return bool(answer)


def sms_consents(parent_ids):
    """Each parent's latest SMS consent answer, in one query (absent: never asked)."""
    if not parent_ids:
        return {}
    rows = db.session.execute(
        sa.select(Consent.parent_id, Consent.answer)
        .where(Consent.parent_id.in_(parent_ids), Consent.kind == ConsentKind.SMS)
        .order_by(Consent.answered_at, Consent.id)).all()
    return dict(rows)  # the latest answer wins


def sms_allowed(parent_ids):
    """The parents among these whose consent lets us text them (consent_allows of each one's
    latest answer), from one query."""
    answers = sms_consents(parent_ids)
    return {parent_id for parent_id in parent_ids if consent_allows(answers.get(parent_id))}
