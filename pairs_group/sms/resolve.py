"""Ask the provider what became of texts whose answer was lost ("unknown"), before staff have
to: what it says went is recorded (its id and status), what it says it never got becomes a
failure staff may send again, and what it cannot say stays unknown. Never resent blind."""

from collections import Counter
from datetime import UTC, timedelta

import sqlalchemy as sa

from pairs_group.audit.service import record
from pairs_group.db import db, utcnow
from pairs_group.parents.models import Parent
from pairs_group.sms import backends
from pairs_group.sms.dispatch import blocked_at_carrier, hide_if_secret
from pairs_group.sms.messages import HIDDEN, KINDS
from pairs_group.sms.models import MessageStatus, OutboxMessage
from pairs_group.sms.outbox import render_with
from pairs_group.sms.provider import backend
from pairs_group.sms.webhooks import NOTIFY_STATUSES, TWILIO_STATUSES

# A text in the provider's own queue has no "date sent" yet: ask only once it had time to go.
SETTLE = timedelta(minutes=15)
# Notify keeps texts for 7 days: an older one not found proves nothing, so staff check it.
LOOK_BACK = timedelta(days=3)
BATCH = 100  # bounded: one provider request each
CLOCK_MARGIN = timedelta(minutes=2)  # our clock and the provider's
STATUSES = {"twilio": TWILIO_STATUSES, "notify": NOTIFY_STATUSES}


def unknown_to_ask(now):
    return db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.status == MessageStatus.UNKNOWN,
            OutboxMessage.claimed_at <= now - SETTLE, OutboxMessage.claimed_at >= now - LOOK_BACK)
        .order_by(OutboxMessage.claimed_at).limit(BATCH)).all()


def words_sent(message):
    """(the words that went, whether they are exactly those): stored when the answer came, else
    written again as the sender would have (her language and wording may have changed since),
    or None for a secret kind, whose words are never kept."""
    if message.body and message.body != HIDDEN:
        return message.body, True
    if KINDS[message.kind].secret or message.body == HIDDEN:
        return None, False
    parent = db.session.get(Parent, message.parent_id) if message.parent_id else None
    language = parent.language if parent and parent.language else message.language
    return render_with(message.kind, language, message.context,
                       discreet=bool(parent and parent.discreet_sms)), False


def ask(provider, message):
    body, exact = words_sent(message)
    since = (message.claimed_at - CLOCK_MARGIN).astimezone(UTC)
    return provider.look_up(message, body, since, exact)


def apply_finding(message, finding, statuses):
    """Record what the provider said; returns "sent", "not sent" or "unknown"."""
    if finding is None:
        return "unknown"
    if not finding.sent:
        message.status, message.error_code = MessageStatus.FAILED, "not-sent"
        message.error_message = "The provider has no record of this text: it was never sent."
        return "not sent"
    message.provider_id = finding.provider_id[:64]
    message.status = statuses.get(finding.status.lower(), MessageStatus.SENT)
    message.error_code, message.error_message = finding.error_code, None
    message.sent_at = message.sent_at or message.claimed_at
    if finding.body and not message.body:
        message.body = finding.body
    if str(finding.error_code) == str(backends.UNSUBSCRIBED_CODE) and message.parent_id:
        # It failed because her number is blocked at the carrier: recorded as a send would.
        blocked_at_carrier(db.session.get(Parent, message.parent_id))
    hide_if_secret(message)
    return "sent"


def resolve_unknown(now=None):
    """Ask the provider about each unknown text old enough to have gone; a Counter of what was
    found. Each answer is committed as it comes (a slow provider loses nothing already learnt);
    call it from the edge (a command) after the caller's own work is committed."""
    now, provider, found = now or utcnow(), backend(), Counter()
    statuses = STATUSES.get(getattr(provider, "name", ""))
    if statuses is None:  # the console and the tests' list: nobody to ask
        return found
    for message in unknown_to_ask(now):
        outcome = apply_finding(message, ask(provider, message), statuses)
        if outcome != "unknown":
            record("sms.resolve_unknown", message, found=outcome)
        found[outcome] += 1
        db.session.commit()
    return found
