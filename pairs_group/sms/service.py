"""Queue a text, then send what is due: claim a row, render it, hand it to the backend."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from pairs_group.db import db, utcnow
from pairs_group.sms import backends
from pairs_group.sms.messages import KINDS
from pairs_group.sms.models import MessageStatus, OutboxMessage
from pairs_group.sms.segments import count_segments


def backend():
    """The configured backend, made once per app."""
    found = current_app.extensions.get("sms_backend")
    if found is None:
        found = make_backend(current_app.config)
        current_app.extensions["sms_backend"] = found
    return found


def make_backend(config):
    name = config.get("SMS_BACKEND") or "console"
    if name == "recording":
        return backends.RecordingBackend()
    if name == "console":
        outbox = config.get("SMS_OUTBOX_FILE") or current_app.instance_path + "/sms-outbox.jsonl"
        return backends.ConsoleBackend(outbox)
    raise ValueError(f"unknown SMS_BACKEND {name!r}")


def queue_sms(kind, key, *, parent=None, to=None, language=None, context=None, session=None,
              send_after=None):
    """Store a text to send (the caller commits). A key already used returns the first message:
    a second copy can never exist."""
    existing = db.session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.idempotency_key == key))
    if existing is not None:
        return existing
    message = OutboxMessage(
        idempotency_key=key, kind=kind, to=to or parent.mobile,
        parent_id=parent.id if parent else None, session_id=session.id if session else None,
        language=language or (parent.language if parent else "en"), context=context or {},
        urgent=KINDS[kind].urgent, send_after=send_after or utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    return message


def render(message):
    """The text in the recipient's language, as it will be sent now."""
    with force_locale(message.language):
        return KINDS[message.kind].render(dict(message.context))


def claim(message_id):
    """Atomically move one pending message to sending; True if this caller won it."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == MessageStatus.PENDING)
        .values(status=MessageStatus.SENDING, claimed_at=utcnow(),
                attempts=OutboxMessage.attempts + 1)
    )
    db.session.commit()
    return result.rowcount == 1


def send_claimed(message):
    """Render and send a claimed message, recording what the provider said."""
    message.body = render(message)
    counted = count_segments(message.body)
    message.segments, message.encoding = counted.segments, counted.encoding
    try:
        message.provider_id = backend().send(message)
        message.status, message.sent_at = MessageStatus.SENT, utcnow()
    except backends.SendError as error:
        message.status = MessageStatus.FAILED
        message.error_code, message.error_message = error.code, str(error)
    db.session.commit()
    return message


def send_now(message):
    """Send one message straight away (welcome, sign-in code), if nobody else has."""
    db.session.commit()
    if claim(message.id):
        db.session.refresh(message)
        return send_claimed(message)
    return message
