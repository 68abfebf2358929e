"""How the audit log's sentences name a text reply: by the parent's number, never her words."""

from flask_babel import gettext as _

from pairs_group.audit.service import register_thing_namer
from pairs_group.db import db
from pairs_group.sms.models import InboundMessage, OutboxMessage


def reply_words(raw_id):
    reply = db.session.get(InboundMessage, int(raw_id)) if str(raw_id).isdigit() else None
    if reply is None:
        return None
    return _("Parent %(id)s", id=reply.parent_id) if reply.parent_id else _("an unknown number")


def text_words(raw_id):
    """"the text to Parent 12" (which text is in the record under the sentence)."""
    text = db.session.get(OutboxMessage, int(raw_id)) if str(raw_id).isdigit() else None
    if text is None:
        return None
    if text.parent_id:
        return _("the text to %(parent)s", parent=_("Parent %(id)s", id=text.parent_id))
    return _("a text to a number with no account")


def init_app(app):
    register_thing_namer("InboundMessage", reply_words)
    register_thing_namer("OutboxMessage", text_words)
