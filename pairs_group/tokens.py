"""Signed, expiring, single-purpose tokens for links in texts (welcome, offer, questionnaire).

A token names one parent and one purpose; a token made for one purpose never opens another.
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
    try:
        claims = _serializer(purpose).loads(token, max_age=max_age_seconds)
    except BadData as error:
        raise BadToken(str(error)) from error
    if not isinstance(claims, dict) or not isinstance(claims.get("parent"), int):
        raise BadToken("malformed token")
    return claims
