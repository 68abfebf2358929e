"""How the audit log's sentences name a referral and its outcome: by its reference (R12) and the
referrer's role, never the family's name."""

from flask_babel import gettext as _

from pairs_group.audit.service import register_thing_namer
from pairs_group.db import db
from pairs_group.parents.choices import REFERRER_ROLES
from pairs_group.referrals.forms import OUTCOMES
from pairs_group.referrals.models import Referral


def referral_words(raw_id):
    """"referral R12 (Midwife)"."""
    referral = db.session.get(Referral, int(raw_id)) if str(raw_id).isdigit() else None
    if referral is None:
        return None
    role = dict(REFERRER_ROLES).get(referral.referrer_role, referral.referrer_role)
    return _("referral R%(id)s (%(role)s)", id=referral.id, role=role)


def outcome_words(code):
    return str(dict(OUTCOMES).get(code, code))


def init_app(app):
    register_thing_namer("Referral", referral_words)
    register_thing_namer("ReferralOutcome", outcome_words)
