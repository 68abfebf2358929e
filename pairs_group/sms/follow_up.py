"""Staff act on a text that did not go: send it again as a new text linked to the old one (once),
or record that they checked one whose outcome is unknown. Audited; the caller commits."""

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from pairs_group.audit.service import record
from pairs_group.db import db, savepoint, utcnow
from pairs_group.parents.models import Parent
from pairs_group.sms.backends import UNSUBSCRIBED_CODE
from pairs_group.sms.explain import EXPLANATIONS
from pairs_group.sms.messages import KINDS
from pairs_group.sms.models import NEEDS_ATTENTION, MessageStatus, OutboxMessage
from pairs_group.sms.outbox import new_message

RESENDABLE = (MessageStatus.FAILED, MessageStatus.UNDELIVERED)


class CannotDoThat(ValueError):
    """Staff asked for something this text does not allow; the message says why, in words."""


def resend_key(message):
    return f"resend:{message.id}"


def was_resent(message):
    return db.session.scalar(sa.select(OutboxMessage.id).where(
        OutboxMessage.resent_from_id == message.id)) is not None


def may_resend(message, resent):
    """Whether the page offers to send this text again (`resent`: it already was). An unknown
    text only once someone has checked it: it may have gone, and is never sent again blind."""
    kind = KINDS.get(message.kind)
    return bool(kind and not kind.secret and not resent
                and message.error_code != UNSUBSCRIBED_CODE and (
                    message.status in RESENDABLE or (
                        message.status == MessageStatus.UNKNOWN and message.checked_at)))


def why_not_resend(message):
    """None when staff may send this text again, else why not, in words."""
    resent = was_resent(message)
    if may_resend(message, resent):
        return None
    kind = KINDS.get(message.kind)
    if kind is None or kind.secret:
        return _("A text with a sign-in code is never sent again: she can ask for a new code.")
    if resent:
        return _("This text has already been sent again.")
    if message.error_code == UNSUBSCRIBED_CODE:
        return str(EXPLANATIONS[UNSUBSCRIBED_CODE].to_do)
    return _("Only a text that failed or was not delivered can be sent again.")


def resend(message):
    """Queue a new text of the same kind, to the same parent, with the same details; it is
    screened like any other when it goes (stop, consent, quiet hours, still wanted)."""
    reason = why_not_resend(message)
    if reason:
        raise CannotDoThat(reason)
    parent = db.session.get(Parent, message.parent_id) if message.parent_id else None
    again = new_message(message.kind, resend_key(message), parent=parent,
                        to=None if parent else message.to, language=message.language,
                        context=dict(message.context))
    again.session_id, again.resent_from_id = message.session_id, message.id
    try:
        with savepoint():  # two staff at once: the unique link lets one win
            db.session.add(again)
    except sa.exc.IntegrityError:
        raise CannotDoThat(_("This text has already been sent again.")) from None
    record("sms.resend", message, new_message_id=again.id)
    return again


def mark_checked(message, staff):
    """Record who checked an unknown text, and when."""
    if message.status != MessageStatus.UNKNOWN:
        raise CannotDoThat(_("Only a text whose outcome is unknown can be marked as checked."))
    if message.checked_at is None:
        message.checked_at, message.checked_by_id = utcnow(), staff.id
        record("sms.mark_checked", message)
    return message


def resends_of(messages):
    """{id of a text shown: the text that sent it again}."""
    ids = [message.id for message in messages]
    if not ids:
        return {}
    return {again.resent_from_id: again for again in db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.resent_from_id.in_(ids)))}


def needs_attention():
    """Texts staff still have to act on: failed, undelivered or unknown, not sent again, and
    (for an unknown one) not checked yet."""
    again = aliased(OutboxMessage)
    return sa.and_(OutboxMessage.status.in_(NEEDS_ATTENTION), OutboxMessage.checked_at.is_(None),
                   ~sa.exists().where(again.resent_from_id == OutboxMessage.id))
