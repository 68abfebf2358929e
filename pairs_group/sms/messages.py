"""The words of every text, per kind, rendered in the parent's language at send time.

Plain ASCII punctuation only: a curly quote or a dash would force UCS-2 and double the cost.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _


@dataclass(frozen=True)
class MessageKind:
    name: str
    render: Callable[[dict], str]  # context -> text, called inside force_locale
    example: dict  # realistic context, for the segment-budget test in every language
    urgent: bool = False  # sent even in quiet hours
    budget: int = 2  # segments allowed in any language


def _welcome(context):
    return _("Welcome to Together Time, %(name)s! Your first session is %(when)s at %(venue)s. "
             "Reply STOP to stop texts.", **context)


def _sign_in_code(context):
    return _("Your Together Time code is %(code)s. It works for 10 minutes. "
             "Do not share it.", **context)


KINDS = {kind.name: kind for kind in (
    MessageKind("welcome", _welcome, example={
        "name": "Maria", "when": "Tuesday 13 January at 10:00",
        "venue": "Stockwell Children's Centre"}),
    MessageKind("sign_in_code", _sign_in_code, example={"code": "123456"}, urgent=True),
)}


def register(kind):
    """Add a message kind (features register theirs at import)."""
    KINDS[kind.name] = kind
    return kind
