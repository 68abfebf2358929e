"""Queue a text, then send what is due: claim rows atomically, render, hand to the backend.

Claim-then-send: a row moves pending -> sending in one atomic step before anything is sent, so two
dispatchers never send it twice. A row left in "sending" (a crash, or a lost answer) becomes
"unknown" for staff to review; it is never retried blind.
"""

import logging
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import time, timedelta

import sqlalchemy as sa
from flask import current_app, g, has_request_context
from flask_babel import force_locale

from pairs_group.config import ConfigError, public_base_url
from pairs_group.db import db, utcnow
from pairs_group.i18n import babel_locale
from pairs_group.parents.consents import current_consent
from pairs_group.parents.models import Consent, ConsentKind, Parent
from pairs_group.sms import backends
from pairs_group.sms.messages import KINDS
from pairs_group.sms.models import WAITING, MessageStatus, OptOutEvent, OutboxMessage
from pairs_group.sms.segments import count_segments
from pairs_group.times import in_london, london_moment

log = logging.getLogger(__name__)

# --- the backend -------------------------------------------------------------------------------

def backend():
    """The configured backend, made once per app."""
    found = current_app.extensions.get("sms_backend")
    if found is None:
        found = make_backend(current_app.config)
        current_app.extensions["sms_backend"] = found
    return found


def backend_name(config):
    """SMS_BACKEND, or Twilio when its credentials are set, else the console."""
    name = config["SMS_BACKEND"].strip().lower()
    if name:
        return name
    if config["TWILIO_ACCOUNT_SID"] and config["TWILIO_AUTH_TOKEN"]:
        return "twilio"
    return "console"


def make_backend(config):
    name = backend_name(config)
    if name == "recording":
        return backends.RecordingBackend()
    if name == "console":
        return backends.ConsoleBackend(config["SMS_OUTBOX_FILE"],
                                       redact=config["PAIRS_ENV"] == "production")
    if name == "twilio":
        return backends.TwilioBackend(
            config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"],
            from_number=config["TWILIO_FROM_NUMBER"],
            messaging_service_sid=config["TWILIO_MESSAGING_SERVICE_SID"],
            status_callback=public_base_url() + "/sms/twilio/status",
            api_base_url=config["TWILIO_API_BASE_URL"] or None,
            http_client_factory=config["TWILIO_HTTP_CLIENT_FACTORY"])
    if name == "notify":
        return backends.NotifyBackend(config["NOTIFY_API_KEY"], config["NOTIFY_TEMPLATES"],
                                      base_url=config["NOTIFY_API_BASE_URL"] or None)
    raise ValueError(f"unknown SMS_BACKEND {name!r}: use console, twilio or notify")


# --- quiet hours -------------------------------------------------------------------------------

def quiet_hours(config=None):
    """(start, end) London wall-clock times, or None when texts may go at any hour."""
    raw = ((config or current_app.config).get("SMS_QUIET_HOURS") or "").strip()
    if not raw:
        return None
    start, end = (time.fromisoformat(part.strip()) for part in raw.split("-"))
    return None if start == end else (start, end)


def quiet_until(moment, config=None):
    """When the quiet hours around `moment` end (UTC), or None if it is not in quiet hours."""
    hours = quiet_hours(config)
    if hours is None:
        return None
    start, end = hours
    local = in_london(moment)
    now, day = local.time(), local.date()
    if start < end:
        return london_moment(day, end) if start <= now < end else None
    if now >= start:
        return london_moment(day + timedelta(days=1), end)
    return london_moment(day, end) if now < end else None


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
        with db.session.begin_nested():
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


def render_example(kind, language, discreet=False):
    """A kind's example text in a language (the budget test and the staff templates page)."""
    with force_locale(babel_locale(language)):
        return KINDS[kind].render({**KINDS[kind].example, "discreet": discreet})


# --- claiming ----------------------------------------------------------------------------------

def claim(message_id):
    """Atomically move one waiting message to sending; True if this caller won it."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status.in_(WAITING))
        .values(status=MessageStatus.SENDING, claimed_at=utcnow(),
                attempts=OutboxMessage.attempts + 1)
    )
    db.session.commit()
    return result.rowcount == 1


def claim_batch(now, size, urgent_only=False):
    """Claim up to `size` due messages; returns their ids. Nobody else can claim them after."""
    due = (sa.select(OutboxMessage.id)
           .where(OutboxMessage.status.in_(WAITING), OutboxMessage.send_after <= now)
           .order_by(OutboxMessage.send_after, OutboxMessage.id).limit(size))
    if urgent_only:
        due = due.where(OutboxMessage.urgent)
    claimed = {"status": MessageStatus.SENDING, "claimed_at": utcnow(),
               "attempts": OutboxMessage.attempts + 1}
    if db.session.get_bind().dialect.name == "postgresql":
        ids = db.session.scalars(due.with_for_update(skip_locked=True)).all()
        if ids:
            db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                               .values(**claimed))
    else:
        # SQLite: one UPDATE statement holds the write lock, so the pick and the claim are atomic.
        ids = db.session.scalars(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(due.scalar_subquery()),
                   OutboxMessage.status.in_(WAITING))
            .values(**claimed).returning(OutboxMessage.id)).all()
    db.session.commit()
    return list(ids)


def expire_stale_claims(now):
    """Messages 'sending' for too long: the dispatcher died or lost the answer. Never resent."""
    cutoff = now - timedelta(seconds=current_app.config["SMS_CLAIM_TIMEOUT_SECONDS"])
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.SENDING, OutboxMessage.claimed_at < cutoff)
        .values(status=MessageStatus.UNKNOWN,
                error_message="The sender stopped before the provider answered."))
    db.session.commit()
    return result.rowcount


def defer_for_quiet_hours(now):
    """In quiet hours, due texts that are not urgent wait for the morning."""
    morning = quiet_until(now)
    if morning is None:
        return 0
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.send_after <= now,
               sa.not_(OutboxMessage.urgent))
        .values(status=MessageStatus.DEFERRED_QUIET_HOURS, send_after=morning))
    db.session.commit()
    return result.rowcount


# --- sending -----------------------------------------------------------------------------------

def consent_allows(answer):
    """Her latest answer to the SMS consent question. A parent never asked (added before
    consent was recorded) counts as agreeing unless SMS_REQUIRE_CONSENT_RECORD is set."""
    if answer is None:
        return not current_app.config["SMS_REQUIRE_CONSENT_RECORD"]
    return bool(answer)


def has_sms_consent(parent):
    return consent_allows(current_consent(parent, ConsentKind.SMS))


def sms_consents(parent_ids):
    """Each parent's latest SMS consent answer, in one query (absent: never asked)."""
    if not parent_ids:
        return {}
    rows = db.session.execute(
        sa.select(Consent.parent_id, Consent.answer)
        .where(Consent.parent_id.in_(parent_ids), Consent.kind == ConsentKind.SMS)
        .order_by(Consent.answered_at, Consent.id)).all()
    return dict(rows)  # the latest answer wins


def reason_not_to_send(message, parent, consents=None, unwanted=None):
    """The skipped status for a message that must not go now, or None. `consents` and
    `unwanted` are what a batch looked up at once (None: ask now)."""
    kind = KINDS[message.kind]
    if parent is not None and parent.sms_opted_out_at and not kind.ignores_opt_out:
        return MessageStatus.SKIPPED_OPTED_OUT
    if parent is not None and kind.needs_consent:
        answer = (current_consent(parent, ConsentKind.SMS) if consents is None
                  else consents.get(parent.id))
        if not consent_allows(answer):
            return MessageStatus.SKIPPED_NO_CONSENT
    if unwanted is not None and kind.still_wanted_many is not None:
        return MessageStatus.SKIPPED_NOT_NEEDED if message.id in unwanted else None
    if kind.still_wanted is not None and not kind.still_wanted(message):
        return MessageStatus.SKIPPED_NOT_NEEDED
    return None


def unwanted_ids(messages):
    """Ids of messages no longer wanted, for kinds that can say so for many at once."""
    found, by_kind = set(), {}
    for message in messages:
        by_kind.setdefault(message.kind, []).append(message)
    for name, group in by_kind.items():
        many = KINDS[name].still_wanted_many
        if many is not None:
            found |= {m.id for m in group} - set(many(group))
    return found


def prepare(message, parent):
    """Render in her language as it is now, with her discreet wording if she asked for it."""
    if parent is not None:
        message.language, message.to = parent.language or message.language, parent.mobile
    discreet = bool(parent and parent.discreet_sms)
    message.body = render(message, discreet=discreet)
    counted = count_segments(message.body)
    message.segments, message.encoding = counted.segments, counted.encoding
    message.personalisation = {  # for Notify's templates (a plain attribute, not stored)
        **{name: str(value) for name, value in message.context.items()}, "body": message.body}


def screen(message, parent, consents=None, unwanted=None):
    """Skip or render a claimed message; True if it is ready for the provider."""
    skipped = reason_not_to_send(message, parent, consents, unwanted)
    if skipped:
        message.status = skipped
        return False
    try:
        prepare(message, parent)
    except Exception as error:  # a broken template must not stop the other texts
        log.exception("could not render SMS %s", message.id)
        apply_failure(message, backends.SendError(
            f"could not write the text: {error}", code="render", outcome="permanent"))
        return False
    return True


def call_provider(provider, message):
    """The provider's answer: (provider id, None) or (None, SendError). Runs in a worker thread:
    it touches no database."""
    try:
        return provider.send(message), None
    except backends.SendError as error:
        return None, error
    except Exception as error:  # we cannot know whether it went: never resend blind
        log.exception("SMS %s: no clear answer", message.id)
        return None, backends.SendError(str(error) or type(error).__name__, outcome="unknown")


def apply_outcome(message, provider_id, error):
    if error is not None:
        return apply_failure(message, error)
    message.provider_id, message.status, message.sent_at = provider_id, MessageStatus.SENT, utcnow()
    message.error_code = message.error_message = None


def send_claimed(message):
    """Render and send one claimed message, recording what the provider said."""
    # Fresh from the database: she may have said STOP a moment ago, in another process.
    parent = db.session.get(Parent, message.parent_id,
                            populate_existing=True) if message.parent_id else None
    if screen(message, parent):
        apply_outcome(message, *call_provider(backend(), message))
    db.session.commit()
    return message


def apply_failure(message, error):
    """Retry a transient error later (a bounded number of times); keep the rest for staff."""
    config = current_app.config
    message.error_code, message.error_message = error.code, str(error)[:2000]
    if error.outcome == "transient" and message.attempts < config["SMS_MAX_ATTEMPTS"]:
        delay = config["SMS_RETRY_BASE_SECONDS"] * 2 ** max(message.attempts - 1, 0)
        message.status, message.send_after = MessageStatus.PENDING, utcnow() + timedelta(
            seconds=min(delay, 3600))
    elif error.outcome == "unknown":
        message.status = MessageStatus.UNKNOWN
    else:
        message.status = MessageStatus.FAILED
        if error.code == backends.UNSUBSCRIBED_CODE and message.parent_id:
            set_opted_out(db.session.get(Parent, message.parent_id), True, "provider", "21610")


def set_opted_out(parent, opted_out, source, keyword=""):
    """Record an opt-out or opt-in, with when and how (the caller commits)."""
    if parent is None:
        return
    parent.sms_opted_out_at = utcnow() if opted_out else None
    db.session.add(OptOutEvent(parent_id=parent.id, number=parent.mobile, opted_out=opted_out,
                               source=source, keyword=keyword[:40]))


def send_now(message):
    """Send one message straight away (welcome, sign-in code), if nobody else has and it is
    not waiting for the morning."""
    db.session.commit()
    if message.status == MessageStatus.PENDING and claim(message.id):
        db.session.refresh(message)
        return send_claimed(message)
    return message


def send_after_response(message):
    """Send once the request has committed (e.g. texts about a session staff just changed)."""
    if has_request_context():
        g.setdefault("sms_after_response", []).append(message.id)


def _send_queued_after_response(response):
    ids = g.pop("sms_after_response", [])
    if ids and response.status_code < 400:
        send_ids(ids, now=utcnow())
    return response


def send_ids(ids, now):
    """Send these messages now if they are due (quiet hours still apply to non-urgent ones)."""
    db.session.commit()
    quiet = quiet_until(now) is not None
    for message in db.session.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.id.in_(ids), OutboxMessage.status == MessageStatus.PENDING,
            OutboxMessage.send_after <= now)).all():
        if not (quiet and not message.urgent):
            send_now(message)


# --- the dispatcher ----------------------------------------------------------------------------

@dataclass
class DispatchReport:
    claimed: int = 0
    statuses: dict = field(default_factory=dict)
    deferred: int = 0
    expired: int = 0

    def add(self, status):
        self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1


def send_batch(ids, pool):
    """Send claimed messages: screened and rendered here, the provider calls in the pool, and
    every outcome written in one commit (a crash before it leaves them "sending": unknown)."""
    messages = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id.in_(ids))
                                  .execution_options(populate_existing=True)).all()
    parent_ids = {m.parent_id for m in messages if m.parent_id}
    parents = {p.id: p for p in db.session.scalars(
        sa.select(Parent).where(Parent.id.in_(parent_ids))
        .execution_options(populate_existing=True))} if parent_ids else {}
    consents, unwanted = sms_consents(parent_ids), unwanted_ids(messages)
    ready = [m for m in messages if screen(m, parents.get(m.parent_id), consents, unwanted)]
    provider = backend()
    for message, answer in zip(ready, pool.map(lambda m: call_provider(provider, m), ready),
                               strict=True):
        apply_outcome(message, *answer)
    db.session.commit()
    return messages


def dispatch_due(now=None, limit=None, workers=None, progress=None):
    """Send every due message (up to `limit`) through a bounded pool; returns a report."""
    config = current_app.config
    now = now or utcnow()
    report = DispatchReport(expired=expire_stale_claims(now), deferred=defer_for_quiet_hours(now))
    urgent_only = quiet_until(now) is not None
    size = config["SMS_BATCH_SIZE"]
    batches = math.ceil((limit or 100_000) / size)
    with ThreadPoolExecutor(max_workers=workers or config["SMS_SEND_CONCURRENCY"]) as pool:
        for _ in range(batches):  # bounded: never more than limit rows in one run
            ids = claim_batch(now, size, urgent_only=urgent_only)
            if not ids:
                break
            report.claimed += len(ids)
            for message in send_batch(ids, pool):
                report.add(message.status)
                if progress:
                    progress(1)
    return report


def require_a_provider_in_production(config):
    """Production with no provider would print texts (codes among them) and send nothing:
    refuse to start unless the console was asked for by name."""
    if config["PAIRS_ENV"] == "production" and not config["SMS_BACKEND"].strip() \
            and backend_name(config) == "console":
        raise ConfigError(
            "No SMS provider is configured. In production set SMS_BACKEND=twilio (with "
            "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and a number or Messaging Service) or "
            "SMS_BACKEND=notify (with NOTIFY_API_KEY); or SMS_BACKEND=console to send nothing "
            "on purpose. See README.md, Texts (SMS).")


def init_app(app):
    """The SMS settings and their defaults are in pairs_group/config.py."""
    require_a_provider_in_production(app.config)
    app.after_request(_send_queued_after_response)
