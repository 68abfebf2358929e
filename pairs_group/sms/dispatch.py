"""Send what is due: claim rows atomically, screen and render them, hand them to the provider,
record what it said; retries are bounded and a lost answer is never resent blind.

Claim-then-send: a row moves pending -> sending in one atomic step before anything is sent, so two
dispatchers never send it twice. A row left in "sending" (a crash, or a lost answer) becomes
"unknown" for staff to review; it is never retried blind.

Transactions: the rest of the app flushes and leaves the commit to the edge (the view or the
command). The claim/send protocol here is the named exception: each claim step, each batch's
rendered words and each text's outcome are committed here, at once: the claim is what stops a
second dispatcher sending the same text, and an outcome committed as soon as the provider answers
is what a crash (kill -9) cannot take away. So call these only from the edge, after the caller's
own work is committed.
"""

import logging
import math
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from pairs_group.db import db, kept_after_commit, utcnow
from pairs_group.parents.consents import consent_allows, current_consent, sms_consents
from pairs_group.parents.models import ConsentKind, Parent
from pairs_group.sms import backends
from pairs_group.sms.messages import HIDDEN, KINDS
from pairs_group.sms.models import WAITING, MessageStatus, OptOutEvent, OutboxMessage
from pairs_group.sms.outbox import quiet_until, render
from pairs_group.sms.provider import backend
from pairs_group.sms.segments import count_segments

log = logging.getLogger(__name__)


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


def due(now):
    """The condition of a message the dispatcher would send at `now` (quiet hours aside)."""
    return sa.and_(OutboxMessage.status.in_(WAITING), OutboxMessage.send_after <= now)


def due_count(now):
    """How many messages the dispatcher has to send at `now` (for a progress bar)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                             .where(due(now)))


def claim_batch(now, size, urgent_only=False):
    """Claim up to `size` due messages; returns their ids. Nobody else can claim them after."""
    due_ids = (sa.select(OutboxMessage.id).where(due(now))
               .order_by(OutboxMessage.send_after, OutboxMessage.id).limit(size))
    if urgent_only:
        due_ids = due_ids.where(OutboxMessage.urgent)
    claimed = {"status": MessageStatus.SENDING, "claimed_at": utcnow(),
               "attempts": OutboxMessage.attempts + 1}
    if db.session.get_bind().dialect.name == "postgresql":
        ids = db.session.scalars(due_ids.with_for_update(skip_locked=True)).all()
        if ids:
            db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                               .values(**claimed))
    else:
        # SQLite: one UPDATE statement holds the write lock, so the pick and the claim are atomic.
        ids = db.session.scalars(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(due_ids.scalar_subquery()),
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

def reason_not_to_send(message, parent, consents=None, unwanted=None):
    """The skipped status for a message that must not go now, or None. `consents` and
    `unwanted` are what a batch looked up at once (None: ask now)."""
    kind = KINDS[message.kind]
    if parent is not None and parent.sms_opted_out_at and not kind.ignores_opt_out:
        return MessageStatus.SKIPPED_OPTED_OUT
    if parent is not None and parent.sms_carrier_blocked_at and not kind.ignores_opt_out:
        return MessageStatus.SKIPPED_CARRIER_BLOCKED  # it would only fail (Twilio 21610)
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
    # A text to someone not signed up (a referral's invitation) carries the choice itself.
    discreet = bool(parent.discreet_sms if parent else message.context.get("discreet"))
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


@dataclass(frozen=True)
class Outgoing:
    """What a provider reads of one text, copied from its row before the send: a worker thread
    then never touches the session (it is not thread-safe), whatever the main thread commits."""

    id: int
    idempotency_key: str
    kind: str
    to: str
    body: str
    language: str
    segments: int
    encoding: str
    session_id: int | None
    personalisation: dict | None

    @classmethod
    def of(cls, message):
        return cls(message.id, message.idempotency_key, message.kind, message.to, message.body,
                   message.language, message.segments, message.encoding, message.session_id,
                   getattr(message, "personalisation", None))


def call_provider(provider, message):
    """The provider's answer: (provider id, None) or (None, SendError). Runs in a worker thread
    with an Outgoing copy: it touches no database."""
    try:
        return provider.send(message), None
    except backends.SendError as error:
        return None, error
    except Exception as error:  # we cannot know whether it went: never resend blind
        log.exception("SMS %s: no clear answer", message.id)
        return None, backends.SendError(str(error) or type(error).__name__, outcome="unknown")


def apply_outcome(message, provider_id, error):
    if error is not None:
        apply_failure(message, error)
    else:
        message.provider_id, message.status = provider_id, MessageStatus.SENT
        message.sent_at, message.error_code, message.error_message = utcnow(), None, None
        if KINDS[message.kind].ignores_opt_out and message.parent_id:  # sent despite a block
            unblocked_at_carrier(db.session.get(Parent, message.parent_id))


def hide_if_secret(message):
    """A secret kind (a sign-in code) keeps only that it was sent once it will not be tried
    again: the outbox must not hold a code anyone could read."""
    if KINDS[message.kind].secret and message.status not in WAITING:
        message.body, message.context = HIDDEN, {name: HIDDEN for name in message.context}


def send_claimed(message):
    """Render and send one claimed message, recording what the provider said."""
    # Fresh from the database: she may have said STOP a moment ago, in another process.
    parent = db.session.get(Parent, message.parent_id,
                            populate_existing=True) if message.parent_id else None
    if screen(message, parent):
        apply_outcome(message, *call_provider(backend(), message))
    hide_if_secret(message)
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
            blocked_at_carrier(db.session.get(Parent, message.parent_id))


def set_opted_out(parent, opted_out, source, keyword="", at_carrier=False):
    """Record an opt-out or opt-in, with when and how (the caller commits). `at_carrier`: the
    provider blocked or unblocked her number as well (she texted its own STOP or START word)."""
    if parent is None:
        return
    parent.sms_opted_out_at = utcnow() if opted_out else None
    if at_carrier:
        parent.sms_carrier_blocked_at = parent.sms_opted_out_at
    db.session.add(OptOutEvent(parent_id=parent.id, number=parent.mobile, opted_out=opted_out,
                               source=source, keyword=keyword[:40], at_carrier=at_carrier))


def unblocked_at_carrier(parent):
    """A text to her number went through (a code she asked for): the provider no longer blocks
    it, so she texted START and we never heard. Her own choice in the app stays as it was."""
    if parent is None or not parent.sms_carrier_blocked_at:
        return
    parent.sms_carrier_blocked_at = None
    db.session.add(OptOutEvent(parent_id=parent.id, number=parent.mobile, opted_out=False,
                               source="provider", at_carrier=True))


def blocked_at_carrier(parent):
    """A text to her failed with Twilio 21610: her number is blocked at the provider (she texted
    it STOP). Recorded as that, once; her own choice in the app is left as she made it (she
    may just have asked for texts again in her words), so nothing flips silently."""
    if parent is None or parent.sms_carrier_blocked_at:
        return
    parent.sms_carrier_blocked_at = utcnow()
    db.session.add(OptOutEvent(parent_id=parent.id, number=parent.mobile, opted_out=True,
                               source="provider", keyword=backends.UNSUBSCRIBED_CODE,
                               at_carrier=True))


def send_now(message):
    """Send one message straight away (welcome, sign-in code), if nobody else has and it is
    not waiting for the morning. Call it after the caller committed: the claim commits."""
    if message.status == MessageStatus.PENDING and claim(message.id):
        db.session.refresh(message)
        return send_claimed(message)
    return message


def send_ids(ids, now):
    """Send these messages now if they are due (quiet hours still apply to non-urgent ones)."""
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
    """Send claimed messages: screened and rendered here and committed before anything goes (a
    text the provider never answers still shows what it said), the provider calls in the pool,
    and each outcome committed as soon as its answer arrives, so a crash mid-batch loses no
    record of a text that went (those still unanswered stay "sending", then unknown)."""
    messages = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id.in_(ids))
                                  .execution_options(populate_existing=True)).all()
    parent_ids = {m.parent_id for m in messages if m.parent_id}
    parents = {p.id: p for p in db.session.scalars(
        sa.select(Parent).where(Parent.id.in_(parent_ids))
        .execution_options(populate_existing=True))} if parent_ids else {}
    consents, unwanted = sms_consents(parent_ids), unwanted_ids(messages)
    ready = {m.id: m for m in messages if screen(m, parents.get(m.parent_id), consents, unwanted)}
    for message in messages:
        if message.id not in ready:
            hide_if_secret(message)
    outgoing = [Outgoing.of(m) for m in ready.values()]
    provider = backend()
    with kept_after_commit():
        db.session.commit()
        waiting = {pool.submit(call_provider, provider, o): ready[o.id] for o in outgoing}
        while waiting:
            answered, _ = wait(waiting, return_when=FIRST_COMPLETED)
            record_outcomes((waiting.pop(answer), answer.result()) for answer in answered)
    return messages


def record_outcomes(answered):
    """Write the outcomes that have arrived and commit them at once, in the main thread: the
    answers that came while the last commit was being written share the next one (a group
    commit), so a slow disk cannot hold the texts back, and no answer waits for the batch."""
    for message, (provider_id, error) in answered:
        apply_outcome(message, provider_id, error)
        hide_if_secret(message)
    db.session.commit()


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
