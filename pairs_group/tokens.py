"""Signed, expiring, single-purpose tokens for links in texts (welcome, offer, questionnaire,
a referral's invitation).

A token names one parent (or, for an invitation, one referral) and one purpose; a token made
for one purpose never opens another.
"""

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer


class BadToken(Exception):
    """The token is forged, for another purpose, or too old."""


def _serializer(purpose):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"pairs-link:{purpose}")


def make_token(parent_id, purpose, **claims):
    return _serializer(purpose).dumps({"parent": parent_id, **claims})


def read_token(token, purpose, max_age_seconds):
    """The token's claims (always with "parent"), or BadToken."""
    claims = read_claims(token, purpose, max_age_seconds)
    if not isinstance(claims.get("parent"), int):
        raise BadToken("malformed token")
    return claims


def make_claims_token(purpose, **claims):
    """A token for someone who is not a parent yet (a referred family's invitation)."""
    return _serializer(purpose).dumps(claims)


def read_claims(token, purpose, max_age_seconds):
    """Any token's claims (a dict), or BadToken."""
    try:
        claims = _serializer(purpose).loads(token, max_age=max_age_seconds)
    except BadData as error:
        raise BadToken(str(error)) from error
    if not isinstance(claims, dict):
        raise BadToken("malformed token")
    return claims
