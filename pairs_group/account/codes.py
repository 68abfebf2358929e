"""One-time codes by text: make one, send it only to a known number, check it at most 5 times."""

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from pairs_group.account.models import CodePurpose, SignInCode
from pairs_group.db import db, utcnow
from pairs_group.parents.models import Parent
from pairs_group.parents.phones import mobile_e164
from pairs_group.sms.service import queue_sms, send_soon

CODE_LIFETIME = timedelta(minutes=10)
MAX_TRIES = 5


class CodeProblem(Exception):
    """The code cannot be used: `reason` is "wrong", "expired" or "used_up"."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


# Ofcom's range for drama and demos (07700 900000-900999): `phonenumbers` calls it invalid,
# but the demo parents use it, so it is accepted everywhere except production.
DRAMA_RANGE = re.compile(r"^\+447700900\d{3}$")


def normalise_mobile(raw):
    """A mobile number in E.164, the way the sign-up stores it, or None."""
    text = str(raw or "")[:40]
    found = mobile_e164(text)
    if found is None and current_app.config["PAIRS_ENV"] != "production":
        digits = re.sub(r"[\s()-]", "", text)
        digits = "+44" + digits[1:] if digits.startswith("07") else digits
        found = digits if DRAMA_RANGE.match(digits) else None
    return found


def _hash(salt, code):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{salt}:{code}".encode(), hashlib.sha256).hexdigest()


def find_parent(mobile):
    return db.session.scalar(sa.select(Parent).where(Parent.mobile == mobile))


def _retire_codes(mobile, purpose):
    """A new code replaces any older one for the same number and purpose."""
    db.session.execute(sa.update(SignInCode).where(
        SignInCode.mobile == mobile, SignInCode.purpose == purpose,
        SignInCode.used_at.is_(None)).values(used_at=utcnow()))


def _forget_old_codes():
    db.session.execute(sa.delete(SignInCode).where(
        SignInCode.expires_at < utcnow() - timedelta(days=1)))


def make_code(mobile, parent, purpose=CodePurpose.SIGN_IN):
    """Store a new code for this number; returns (row, the code in clear, for the text only)."""
    _forget_old_codes()
    _retire_codes(mobile, purpose)
    code, salt = f"{secrets.randbelow(10**6):06d}", secrets.token_hex(8)
    row = SignInCode(mobile=mobile, parent_id=parent.id if parent else None, purpose=purpose,
                     salt=salt, code_hash=_hash(salt, code), expires_at=utcnow() + CODE_LIFETIME)
    db.session.add(row)
    db.session.flush()
    return row, code


def text_code(row, code, parent):
    """Queue the code to go as soon as the request is over (the caller commits); once sent the
    outbox hides it (a secret kind): it keeps that a code was sent, not the code.
    A code for a new number goes to that number alone (not linked to her until it is hers)."""
    linked = parent if row.purpose == CodePurpose.SIGN_IN else None
    message = queue_sms("sign_in_code", f"code:{row.id}", parent=linked, to=row.mobile,
                        language=parent.language, context={"code": code})
    send_soon(message)
    return message


def request_code(mobile, purpose=CodePurpose.SIGN_IN, parent=None):
    """Make a code for a number; text it only when the number is a parent's. Same work else
    (the text goes after the response). The caller commits."""
    parent = parent or (find_parent(mobile) if purpose == CodePurpose.SIGN_IN else None)
    row, code = make_code(mobile, parent, purpose)
    if parent is not None:
        text_code(row, code, parent)
    return row


def _count_try(row):
    """Atomically take one of the code's tries; False if none is left or it is spent."""
    taken = db.session.execute(sa.update(SignInCode).where(
        SignInCode.id == row.id, SignInCode.used_at.is_(None),
        SignInCode.attempts < MAX_TRIES).values(attempts=SignInCode.attempts + 1))
    return taken.rowcount == 1


def _spend(row):
    """Atomically mark the code used: of two people racing with the same code, one wins."""
    spent = db.session.execute(sa.update(SignInCode).where(
        SignInCode.id == row.id, SignInCode.used_at.is_(None)).values(used_at=utcnow()))
    return spent.rowcount == 1


def check_code(code_id, typed, purpose=CodePurpose.SIGN_IN):
    """The code's row when `typed` matches a live code, else CodeProblem. A try is counted
    (flushed): the caller commits it whether the code was right or not."""
    usable = isinstance(code_id, int) and 0 < code_id < 2**31
    row = db.session.get(SignInCode, code_id) if usable else None
    if row is None or row.purpose != purpose or row.used_at is not None:
        raise CodeProblem("expired")
    if row.expires_at <= utcnow():
        raise CodeProblem("expired")
    if not _count_try(row):
        raise CodeProblem("used_up")
    matches = row.parent_id is not None and hmac.compare_digest(
        row.code_hash, _hash(row.salt, str(typed)))
    if not (matches and _spend(row)):
        db.session.refresh(row)
        raise CodeProblem("used_up" if row.attempts >= MAX_TRIES else "wrong")
    return row
