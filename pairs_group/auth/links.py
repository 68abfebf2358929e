"""Links in texts: a signed, expiring, single-purpose token that lets her do that one thing.

A feature names what its links are for with register_purpose() in its init_app; link_url()
builds the address a text carries (the one link format), and the account feature's landing
page calls follow(), which spends the token, commits, then admit(), which leaves
session["link_grant"] = {"parent": id, "purpose": ..., "claims": {...}, "version": her session
version}. granted_parent() reads that grant for the landing page (not a full sign-in: other
pages still ask for the code).
Tokens carry a random nonce "n" only to make each one unique; its length is not checked, so
links already sent (8 hex digits from the account feature, 4 from questionnaires) still work.
"""

import hashlib
import secrets
import string
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, session

from pairs_group.auth.login import USER_KINDS, still_signed_in
from pairs_group.auth.models import ShortLink, UsedLink
from pairs_group.config import public_base_url
from pairs_group.db import db, insert_if_new, utcnow
from pairs_group.tokens import BadToken, make_token, read_token

GRANT = "link_grant"
LANDING = "account.follow_link"


def register_purpose(app, purpose, endpoint, max_age):
    """Links for this purpose land on this endpoint and stay good for max_age seconds."""
    app.extensions.setdefault("link_purposes", {})[purpose] = (endpoint, max_age)


def purposes():
    return current_app.extensions.get("link_purposes", {})


def link_url(parent, purpose, **claims):
    """The full address to put in a text (built from the URL map: texts are queued outside
    any request)."""
    token = make_token(parent.id, purpose, n=secrets.token_hex(8), **claims)
    path = current_app.url_map.bind("").build(LANDING, {"purpose": purpose, "token": token})
    return public_base_url() + path


def short_link_url(parent, purpose, **claims):
    """link_url() behind a short address, for a text: the whole text must fit in 2 segments."""
    max_age = purposes()[purpose][1]
    url = link_url(parent, purpose, **claims)
    return shorten(parent.id, url.removeprefix(public_base_url()), max_age)


SHORT_CODE_LETTERS = string.ascii_letters + string.digits
SHORT_CODE_LENGTH = 12  # 71 bits: not to be guessed, with the limit on link checks


def shorten(parent_id, path, max_age, referral_id=None):
    """A short address (on this site) that leads to path for max_age seconds; it belongs to a
    parent, or to a referral's invitation (erased with it). The caller commits."""
    code = "".join(secrets.choice(SHORT_CODE_LETTERS) for _ in range(SHORT_CODE_LENGTH))
    db.session.add(ShortLink(code=code, parent_id=parent_id, referral_id=referral_id, path=path,
                             expires_at=utcnow() + timedelta(seconds=max_age)))
    db.session.flush()
    path = current_app.url_map.bind("").build("account.follow_short_link", {"code": code})
    return public_base_url() + path


def short_link_target(code):
    """Where a short address leads (a path on this site), or None if unknown or expired."""
    row = db.session.scalar(sa.select(ShortLink).where(ShortLink.code == code[:16]))
    if row is None or row.expires_at <= utcnow():
        return None
    return row.path


def _spend(token):
    """True the first time this token is used, False after. Of two requests racing with one
    link, the second waits on the unique nonce and finds it used once the first commits (the
    caller commits)."""
    return insert_if_new(UsedLink, nonce=hashlib.sha256(token.encode()).hexdigest())


def follow(purpose, token):
    """(landing endpoint, parent, grant) for a good, unused link, or BadToken. The link is
    spent (flushed): the caller commits, and only then lets her in with admit(grant), so a
    link whose spending was not stored lets no one in."""
    if purpose not in purposes() or len(token) > 2000:
        raise BadToken("unknown purpose")
    endpoint, max_age = purposes()[purpose]
    claims = read_token(token, purpose, max_age)
    parent = db.session.get(USER_KINDS["parent"], claims["parent"])
    if parent is None:
        raise BadToken("no such parent")
    grant = {"parent": parent.id, "purpose": purpose, "claims": claims,
             "version": parent.session_version}
    if not _spend(token) and session.get(GRANT) != grant:
        raise BadToken("used")
    return endpoint, parent, grant


def admit(grant):
    """Let her in for a followed link's purpose, once the spent link is committed."""
    session[GRANT] = grant


def granted_parent(*allowed):
    """The parent a followed text link lets in for one of these purposes, or None. The grant
    carries her session version as a sign-in does, so signing out on every device ends it too."""
    grant = session.get(GRANT) or {}
    model = USER_KINDS.get("parent")
    if model is None or grant.get("purpose") not in allowed \
            or not isinstance(grant.get("parent"), int):
        return None
    parent = db.session.get(model, grant["parent"])
    return parent if still_signed_in(parent, grant.get("version")) else None
