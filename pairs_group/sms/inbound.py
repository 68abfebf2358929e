"""Texts parents send us: opt-out and opt-in words in every shipped language, HELP, replies that
other features understand (e.g. "2" = can't come), and the rest for staff to read."""

import re
import unicodedata

import sqlalchemy as sa
from blinker import Namespace

from pairs_group.audit.service import record
from pairs_group.db import db, savepoint, utcnow
from pairs_group.parents.models import Parent
from pairs_group.parents.phones import sender_e164
from pairs_group.sms.dispatch import set_opted_out
from pairs_group.sms.models import InboundAction, InboundMessage, MessageStatus, OutboxMessage
from pairs_group.sms.outbox import queue_sms
from pairs_group.sms.service import send_soon

signals = Namespace()
# Sent with (parent, text=normalised words, inbound=InboundMessage). A receiver that deals with
# the reply returns an InboundAction; the first one wins. Reminders answer "2" this way.
reply_received = signals.signal("sms-reply-received")

# Single-word keywords, compared after normalising (upper case, accents and punctuation gone).
# Twilio's own (it blocks these at the carrier too), then each shipped language's usual words.
# Twilio blocks and confirms its own keywords itself; for the others we confirm. GOV.UK Notify
# answers no keyword, so a reply through Notify gets our confirmation for every one.
TWILIO_STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE",
                     "OPTOUT"}
TWILIO_START_WORDS = {"START", "UNSTOP", "YES"}
TWILIO_KEYWORDS = TWILIO_STOP_WORDS | TWILIO_START_WORDS
STOP_WORDS = {
    "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT", "STOPP",
    "PARAR", "PARE", "SAIR", "CANCELAR",  # pt
    "BAJA", "ALTO", "DETENER",  # es (PARAR, CANCELAR above)
    "WYPISZ", "REZYGNUJE", "REZYGNACJA",  # pl (STOP is the usual word in Poland)
    "ARRET", "ARRETER", "DESABONNER", "DESINSCRIRE",  # fr (STOP is the usual word in France)
    "JOOJI", "JOOGSO",  # so
    "قف", "توقف", "ايقاف", "الغاء",  # ar (after hamza marks are removed)
}
START_WORDS = {"START", "UNSTOP", "YES", "INICIAR", "COMECAR", "ALTA", "COMENZAR", "DEMARRER",
               "BILOW", "ابدا"}
HELP_WORDS = {"HELP", "INFO", "AJUDA", "AYUDA", "POMOC", "AIDE", "CAAWIMO", "CAAWI", "مساعدة"}
# A longer reply that still sounds like "stop texting me": a person decides.
POLITE_OPT_OUT = re.compile(
    r"\b(stop|unsubscribe|no more|don'?t (text|message)|do not (text|message)|remove me|"
    r"parar|pare|baja|arr[eê]t|jooji|wypisz)\b|توقف|لا ترسل", re.IGNORECASE)


def normalise(text):
    """Upper case, accents and other marks gone, every script's digits as 0-9 ("٢" is "2"),
    punctuation and spaces trimmed."""
    decomposed = unicodedata.normalize("NFKD", (text or "").strip())
    bare = "".join(_ascii_digit(c) for c in decomposed if not _is_mark(c))
    return re.sub(r"[\s.!?,;:'\"()]+", " ", bare).strip().upper()


def _is_mark(character):
    """Accents, hamza marks, and the emoji keycap around a digit ("2️⃣")."""
    return unicodedata.combining(character) or unicodedata.category(character) in ("Mn", "Me")


def _ascii_digit(character):
    value = unicodedata.decimal(character, None)
    return str(value) if value is not None else character


def parent_for_number(number):
    return db.session.scalar(sa.select(Parent).where(Parent.mobile == (number or "").strip()))


def storable(text, limit):
    """Text as a database of any kind can keep it: no NUL, no lone surrogate (JSON allows
    both), at most `limit` characters."""
    text = str(text or "").replace("\x00", "")
    return text.encode("utf-8", "replace").decode("utf-8")[:limit]


def already_received(provider_id):
    if not provider_id:
        return None
    return db.session.scalar(sa.select(InboundMessage).where(
        InboundMessage.provider_id == provider_id))


def twilio_carrier_action(body, opt_out_type=""):
    """What Twilio did with her number on receiving this text: "STOP" (it now blocks every text
    to her), "START" (it lets them through again) or None. Its OptOutType says so when the
    Messaging Service has Advanced Opt-Out (whose keywords may include local words); without it,
    Twilio acts on its own English words only."""
    said = (opt_out_type or "").strip().upper()
    if said in ("STOP", "START"):
        return said
    words = normalise(body)
    return "STOP" if words in TWILIO_STOP_WORDS else "START" if words in TWILIO_START_WORDS \
        else None


def receive(from_number, body, provider_id=None, *, confirmed_by_provider=frozenset(),
            received_at=None, carrier=None):
    """Record a text she sent and act on it; returns the InboundMessage (the caller commits;
    a reply goes after the response). The same provider id twice is one text: providers
    retry. `confirmed_by_provider`: keywords the provider itself answers (Twilio's).
    `carrier`: what the provider did with her number (twilio_carrier_action), for a provider
    that blocks at the carrier."""
    seen = already_received(provider_id)
    if seen is not None:
        return seen
    number = sender_e164(storable(from_number, 64))[:32]
    parent = parent_for_number(number)
    inbound = InboundMessage(provider_id=provider_id, from_number=number,
                             parent_id=parent.id if parent else None,
                             body=storable(body, 1600), received_at=received_at or utcnow())
    try:
        with savepoint():
            db.session.add(inbound)
    except sa.exc.IntegrityError:  # the same text, delivered to another process meanwhile
        return already_received(provider_id)
    inbound.action = act_on(parent, normalise(inbound.body), inbound,
                            confirmed_by_provider, carrier)
    db.session.flush()
    return inbound


def act_on(parent, words, inbound, confirmed_by_provider=frozenset(), carrier=None):
    """Her words' effect. A provider that blocks at the carrier answers its own STOP and START
    words itself (and after STOP nothing of ours could reach her); a local start word does not
    lift that block, so its confirmation is held back as blocked and staff see why."""
    if carrier == "STOP" or words in STOP_WORDS:
        set_opted_out(parent, True, "keyword", words, at_carrier=carrier == "STOP")
        if parent is not None and carrier is None and words not in confirmed_by_provider:
            _reply(parent, "opted_out", inbound)
        return InboundAction.OPTED_OUT
    if (carrier == "START" or words in START_WORDS) and parent is not None and (
            parent.sms_opted_out_at or parent.sms_carrier_blocked_at):
        set_opted_out(parent, False, "keyword", words, at_carrier=carrier == "START")
        if carrier is None and words not in confirmed_by_provider:
            _reply(parent, "opted_in", inbound)
        return InboundAction.OPTED_IN
    if words in HELP_WORDS:
        if parent is not None:
            _reply(parent, "help_reply", inbound)
        return InboundAction.HELP
    if parent is not None:
        for _receiver, action in reply_received.send(parent, text=words, inbound=inbound):
            if action:
                return action
    inbound.possible_opt_out = bool(POLITE_OPT_OUT.search(inbound.body))
    return InboundAction.INBOX


def _reply(parent, kind, inbound):
    """Answer at once, in her language (she just wrote to us, so quiet hours do not apply)."""
    from flask import current_app

    context = {"phone": current_app.config["SMS_HELP_PHONE"]} if kind == "help_reply" else {}
    message = queue_sms(kind, f"{kind}:inbound:{inbound.id}", parent=parent, context=context)
    send_soon(message)


def last_text_to(parent, kinds):
    """The latest text of these kinds sent to her, or None."""
    return db.session.scalar(
        sa.select(OutboxMessage).where(
            OutboxMessage.parent_id == parent.id, OutboxMessage.kind.in_(kinds),
            OutboxMessage.status.in_((MessageStatus.SENT, MessageStatus.DELIVERED)))
        .order_by(OutboxMessage.sent_at.desc()).limit(1))


def mark_reviewed(inbound, staff_user):
    """Staff have dealt with a reply (audited; the caller commits)."""
    inbound.reviewed_at, inbound.reviewed_by_id = utcnow(), staff_user.id
    record("sms.review_reply", inbound)
