"""Links in texts: a signed, expiring, single-purpose token that lets her do that one thing.

Features register a purpose without importing this module (lower layers cannot):
    purposes = app.extensions.setdefault("link_purposes", {})
    purposes["questionnaire"] = ("questionnaires.answer", 7 * 24 * 3600)
A followed link leaves session["link_grant"] = {"parent": id, "purpose": ..., "claims": {...},
"version": her session version};
the landing page reads that grant (not a full sign-in: other pages still ask for the code).
"""

import hashlib
import secrets

from flask import current_app, session, url_for
from sqlalchemy.exc import IntegrityError

from pairs_group.account.models import UsedLink
from pairs_group.auth.login import granted_by_link
from pairs_group.config import public_base_url
from pairs_group.db import db
from pairs_group.parents.models import Parent
from pairs_group.tokens import BadToken, make_token, read_token

GRANT = "link_grant"  # read by auth.login.granted_by_link
DEFAULT_PURPOSES = {"welcome": ("account.home", 30 * 24 * 3600)}


def purposes():
    return {**DEFAULT_PURPOSES, **current_app.extensions.get("link_purposes", {})}


def link_url(parent, purpose, **claims):
    """The full address to put in a text."""
    token = make_token(parent.id, purpose, n=secrets.token_hex(8), **claims)
    return public_base_url() + url_for("account.follow_link", purpose=purpose, token=token)


def _spend(token):
    """True the first time this token is used, False after."""
    db.session.add(UsedLink(nonce=hashlib.sha256(token.encode()).hexdigest()))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def follow(purpose, token):
    """The landing endpoint for a good, unused link (and the grant is set), or BadToken."""
    if purpose not in purposes() or len(token) > 2000:
        raise BadToken("unknown purpose")
    endpoint, max_age = purposes()[purpose]
    claims = read_token(token, purpose, max_age)
    parent = db.session.get(Parent, claims["parent"])
    if parent is None:
        raise BadToken("no such parent")
    grant = {"parent": parent.id, "purpose": purpose, "claims": claims,
             "version": parent.session_version}
    if not _spend(token) and session.get(GRANT) != grant:
        raise BadToken("used")
    session[GRANT] = grant
    return endpoint


def granted_parent(*allowed):
    """The parent a followed link lets in for one of these purposes, or None."""
    return granted_by_link(*allowed)
