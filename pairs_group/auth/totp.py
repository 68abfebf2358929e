"""Time-based one-time codes (TOTP, RFC 6238) as a second factor for staff, with pyotp."""

import hmac
import time

import pyotp
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm.attributes import set_committed_value

from pairs_group.db import db
from pairs_group.forms import code_digits

STEP_SECONDS = 30


def new_secret():
    return pyotp.random_base32()


def provisioning_uri(secret, email):
    """The otpauth:// address an authenticator app reads (typed in, or as a QR code)."""
    issuer = current_app.config["SERVICE_NAME"]
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def matching_step(secret, code, last_step=None, now=None):
    """The time step this code belongs to (this one or either neighbour, for clock drift), or
    None when it is wrong or was used already."""
    code = code_digits(code)
    if not secret or len(code) != 6 or not code.isdecimal():
        return None
    now = time.time() if now is None else now
    totp = pyotp.TOTP(secret)
    current = int(now // STEP_SECONDS)
    for step in (current - 1, current, current + 1):
        if (last_step is None or step > last_step) and hmac.compare_digest(
                totp.at(step * STEP_SECONDS), code):
            return step
    return None


def verify_for_user(user, code):
    """Check a code against the user's secret and use it up, so it cannot be played again."""
    step = matching_step(user.totp_secret, code, user.totp_last_step)
    return step is not None and _use_step(user, step)


def _use_step(user, step):
    """Claim the time step in one conditional UPDATE: of several sign-ins racing with the same
    code, the database lets exactly one through (the row stays locked until the caller
    commits). The copy in memory may be stale, so it is not what decides."""
    model = user.__class__
    claimed = db.session.execute(
        sa.update(model)
        .where(model.id == user.id,
               sa.or_(model.totp_last_step.is_(None), model.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def current_code(secret):
    return pyotp.TOTP(secret).now()
