"""How the audit log's sentences name a text reply: by the parent's number, never her words."""

from flask_babel import gettext as _

from pairs_group.audit.service import register_thing_namer
from pairs_group.db import db
from pairs_group.sms.models import InboundMessage


def reply_words(raw_id):
    reply = db.session.get(InboundMessage, int(raw_id)) if str(raw_id).isdigit() else None
    if reply is None:
        return None
    return _("Parent %(id)s", id=reply.parent_id) if reply.parent_id else _("an unknown number")


def init_app(app):
    register_thing_namer("InboundMessage", reply_words)
