"""The outbox: a text is stored before it is sent, once per idempotency key, and held for the
morning in quiet hours unless it is urgent. Rendering in her language happens at send time.

Every function here flushes; the caller commits (services flush, the edge commits).
"""

from datetime import time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from pairs_group.db import db, savepoint, utcnow
from pairs_group.i18n import babel_locale
from pairs_group.sms.messages import KINDS
from pairs_group.sms.models import MessageStatus, OutboxMessage
from pairs_group.times import in_london, london_moment

# --- quiet hours -------------------------------------------------------------------------------

def quiet_hours(config=None):
    """(start, end) London wall-clock times, or None when texts may go at any hour."""
    raw = ((config or current_app.config).get("SMS_QUIET_HOURS") or "").strip()
    if not raw:
        return None
    start, end = (time.fromisoformat(part.strip()) for part in raw.split("-"))
    return None if start == end else (start, end)


def quiet_end(at, config=None):
    """When a text due at London wall-clock time `at` really goes: the end of the quiet hours it
    falls in, or None when it is not in quiet hours."""
    hours = quiet_hours(config)
    if hours is None:
        return None
    start, end = hours
    inside = start <= at < end if start < end else (at >= start or at < end)
    return end if inside else None


def quiet_until(moment, config=None):
    """When the quiet hours around `moment` end (UTC), or None if it is not in quiet hours."""
    local = in_london(moment)
    end = quiet_end(local.time(), config)
    if end is None:
        return None
    # In quiet hours but already past their end time: the evening part of hours that wrap midnight.
    day = local.date() + timedelta(days=1) if local.time() >= end else local.date()
    return london_moment(day, end)


# --- queueing ----------------------------------------------------------------------------------

def new_message(kind, key, *, parent=None, to=None, language=None, context=None, session=None,
                send_after=None, urgent=None):
    """An outbox row, not yet added: quiet hours push a text that is not urgent to the morning."""
    urgent = KINDS[kind].urgent if urgent is None else urgent
    send_after = send_after or utcnow()
    morning = None if urgent else quiet_until(send_after)
    return OutboxMessage(
        idempotency_key=key, kind=kind, to=to or parent.mobile,
        parent_id=parent.id if parent else None, session_id=session.id if session else None,
        language=language or (parent.language if parent else "en"), context=context or {},
        urgent=urgent, send_after=morning or send_after,
        status=MessageStatus.DEFERRED_QUIET_HOURS if morning else MessageStatus.PENDING,
    )


def queue_sms(kind, key, *, parent=None, to=None, language=None, context=None, session=None,
              send_after=None, urgent=None):
    """Store a text to send (the caller commits). A key already used returns the first message:
    a second copy can never exist. Outside urgent kinds, quiet hours push it to the morning."""
    existing = db.session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.idempotency_key == key))
    if existing is not None:
        return existing
    message = new_message(kind, key, parent=parent, to=to, language=language, context=context,
                          session=session, send_after=send_after, urgent=urgent)
    db.session.add(message)
    db.session.flush()
    return message


def queue_many(items):
    """Queue many texts whose keys were just checked unused, in one go (the caller commits).
    If another process used one of the keys meanwhile, the unique key stops the batch and each
    is queued on its own instead, so still no second copy."""
    try:
        with savepoint():
            db.session.add_all([new_message(**item) for item in items])
    except sa.exc.IntegrityError:
        for item in items:
            queue_sms(**item)
    return len(items)


# --- rendering ---------------------------------------------------------------------------------

def render(message, discreet=False):
    """The text in the recipient's language, as it will be sent now."""
    with force_locale(babel_locale(message.language)):
        return KINDS[message.kind].render({**message.context, "discreet": discreet})


def render_example(kind, language, discreet=False, **details):
    """A kind's example text in a language (the budget test and the staff templates page);
    details replace some of the example's (a longer date, say)."""
    return render_with(kind, language, {**KINDS[kind].example, **details}, discreet)


def render_with(kind, language, context, discreet=False):
    """A kind's text in a language for a context not yet queued (to check a length first)."""
    with force_locale(babel_locale(language)):
        return KINDS[kind].render({**context, "discreet": discreet})
