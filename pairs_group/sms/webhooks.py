"""Webhooks from the providers: Twilio's status callbacks and inbound texts (signed with
X-Twilio-Signature), and Notify's delivery receipts and inbound texts (a bearer token).
CSRF-exempt; anything not properly signed gets 403 and changes nothing."""

import hmac

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from pairs_group.config import public_base_url
from pairs_group.db import db
from pairs_group.forms import csrf
from pairs_group.sms import inbound, notify_callbacks
from pairs_group.sms.models import FINAL, MessageStatus, OutboxMessage

bp = Blueprint("sms_webhooks", __name__, url_prefix="/sms")

# Twilio's statuses -> ours. Queued, accepted, sending ... all mean "on its way": already "sent".
TWILIO_STATUSES = {
    "sent": MessageStatus.SENT, "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.DELIVERED, "undelivered": MessageStatus.UNDELIVERED,
    "failed": MessageStatus.FAILED, "canceled": MessageStatus.FAILED,
    "partially_delivered": MessageStatus.UNDELIVERED,
}
NOTIFY_STATUSES = {
    "delivered": MessageStatus.DELIVERED, "sent": MessageStatus.SENT,
    "permanent-failure": MessageStatus.FAILED, "temporary-failure": MessageStatus.UNDELIVERED,
    "technical-failure": MessageStatus.FAILED,
}


def notify_error(status):
    """Notify gives no error code: its failure status says what went wrong (staff read it in
    words, sms/explain.py)."""
    return status if status.endswith("-failure") else None


# How far along each status is: a callback never moves a message backwards.
PROGRESS = {MessageStatus.SENDING: 1, MessageStatus.UNKNOWN: 1, MessageStatus.SENT: 2}


def requested_url():
    """The URL Twilio signed: the public one, as the trusted proxies forwarded it (ProxyFix has
    already applied X-Forwarded-Proto and -Host) only when TRUST_PROXY_HEADERS says so."""
    query = request.query_string.decode("latin-1")
    path = request.path + ("?" + query if query else "")
    if current_app.config["TRUST_PROXY_HEADERS"] and request.headers.get("X-Forwarded-Host"):
        return f"{request.scheme}://{request.host}{path}"
    return public_base_url() + path


def require_twilio_signature():
    token = current_app.config["TWILIO_AUTH_TOKEN"]
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        abort(403)
    params = request.form.to_dict(flat=True)
    if not RequestValidator(token).validate(requested_url(), params, signature):
        abort(403)


def update_status(message, new_status, error_code=None):
    """Apply a provider's status, unless the message already got further."""
    if message.status in FINAL:
        return False
    if PROGRESS.get(new_status, 3) < PROGRESS.get(message.status, 0):
        return False
    message.status = new_status
    if error_code:
        message.error_code = str(error_code)[:20]
    return True


@bp.post("/twilio/status")
def twilio_status():
    require_twilio_signature()
    sid = request.form.get("MessageSid") or request.form.get("SmsSid")
    status = TWILIO_STATUSES.get((request.form.get("MessageStatus") or "").lower())
    message = sid and db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.provider_id == sid))
    if message and status and update_status(message, status, request.form.get("ErrorCode")):
        db.session.commit()
    return "", 200


@bp.post("/twilio/inbound")
def twilio_inbound():
    require_twilio_signature()
    body = request.form.get("Body", "")
    inbound.receive(request.form.get("From", ""), body,
                    request.form.get("MessageSid") or request.form.get("SmsSid"),
                    confirmed_by_provider=inbound.TWILIO_KEYWORDS,
                    carrier=inbound.twilio_carrier_action(body, request.form.get("OptOutType")))
    db.session.commit()
    # Empty TwiML: our replies go through the outbox, where they are logged like any text.
    return str(MessagingResponse()), 200, {"Content-Type": "application/xml"}


def require_bearer_token(token):
    """Notify's callbacks carry the token we gave it in Notify's settings, nothing else."""
    given = request.headers.get("Authorization", "")
    if not token or not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        abort(403)


@bp.post("/notify/status")
def notify_status():
    require_bearer_token(current_app.config["NOTIFY_CALLBACK_TOKEN"])
    data = notify_callbacks.json_object(request.get_data(cache=False))
    if data is None:
        abort(400)
    raw = str(data.get("status", ""))
    status = NOTIFY_STATUSES.get(raw)
    provider_id = notify_callbacks.provider_id(data)
    message = provider_id and db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.provider_id == provider_id))
    if message and status and update_status(message, status, notify_error(raw)):
        db.session.commit()
    return "", 200


@bp.post("/notify/inbound")
def notify_inbound_text():
    """A text a parent sent to the service's Notify number: acted on like one through Twilio,
    except that Notify answers no keyword, so we confirm every one."""
    require_bearer_token(current_app.config["NOTIFY_INBOUND_CALLBACK_TOKEN"])
    text = notify_callbacks.received_text(request.get_data(cache=False))
    if text is None:
        abort(400)
    inbound.receive(text.source_number, text.message, text.id, received_at=text.received_at)
    db.session.commit()
    return "", 200


def init_app(app):
    csrf.exempt(bp)
    app.register_blueprint(bp)
