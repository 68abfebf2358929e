"""Where texts go: the console (development), Twilio, GOV.UK Notify, or a list (tests).

Every backend takes a message (its body already rendered) and returns the provider's id for it,
or raises SendError saying whether trying again could help.
"""

import json
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import requests

from pairs_group.db import utcnow

# Twilio's codes for a number that can never get this text: invalid 'To', not a mobile,
# the person replied STOP at the carrier.
PERMANENT_TWILIO_CODES = {21211, 21614, 21610, 21612, 21408, 21606}
UNSUBSCRIBED_CODE = "21610"


class SendError(Exception):
    """The provider refused or failed.

    outcome: "permanent" (never retry), "transient" (nothing was sent; retry later) or
    "unknown" (it may have been sent: never retry blind, staff review it).
    """

    def __init__(self, message, code=None, permanent=False, outcome=None):
        super().__init__(message)
        self.code = None if code is None else str(code)
        self.outcome = outcome or ("permanent" if permanent else "transient")
        self.permanent = self.outcome == "permanent"


@dataclass(frozen=True)
class Finding:
    """What a provider says of a text whose answer we lost: it has it (its id and status, the
    error code if it failed, the words it sent), or, with no id, that it never got it."""

    provider_id: str | None = None
    status: str = ""
    error_code: str | None = None
    body: str | None = None

    @property
    def sent(self):
        return self.provider_id is not None


NEVER_SENT = Finding()
LOOK_UP_LIMIT = 50  # texts to her in the window we read: more than any day's texts to one parent


def network_error(error):
    """A requests failure, sorted into 'nothing was sent' or 'we cannot know'."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return SendError("timed out connecting to the provider", outcome="transient")
    text = repr(error)
    if isinstance(error, requests.exceptions.ConnectionError) and (
            "NewConnectionError" in text or "Connection refused" in text):
        return SendError("could not connect to the provider", outcome="transient")
    return SendError(f"no answer from the provider: {type(error).__name__}", outcome="unknown")


def outcome_for_http_status(status):
    if status == 429 or status >= 500:
        return "transient"
    return "permanent"


class ConsoleBackend:
    """Prints each text and appends it to instance/sms-outbox.jsonl. With `redact` (production,
    where it is only chosen on purpose) the words and most of the number are left out: a text
    may carry a sign-in code or a link that signs her in, which must never reach a log."""

    name = "console"

    def __init__(self, outbox_file, stream=None, redact=False):
        self.outbox_file = Path(outbox_file)
        self.stream = stream
        self.redact = redact
        self._lock = threading.Lock()

    def shown(self, message):
        """(number, words) as they may be written down."""
        if not self.redact:
            return message.to, message.body
        return "*" * max(len(message.to) - 3, 0) + message.to[-3:], "(not shown in production)"

    def send(self, message):
        to, body = self.shown(message)
        record = {
            "to": to, "body": body, "kind": message.kind,
            "language": message.language, "segments": message.segments,
            "encoding": message.encoding, "session_id": message.session_id,
            "created_at": utcnow().isoformat(), "id": message.id,
            "idempotency_key": message.idempotency_key,
        }
        with self._lock:
            print(f"[SMS to {to} | {message.kind} | {message.language} | "
                  f"{message.segments} segment(s) {message.encoding}]\n{body}\n",
                  file=self.stream or sys.stdout, flush=True)
            self.outbox_file.parent.mkdir(parents=True, exist_ok=True)
            with self.outbox_file.open("a", encoding="utf-8") as outbox:
                outbox.write(json.dumps(record, ensure_ascii=False) + "\n")
        return f"console-{message.id}"


class RecordingBackend:
    """Keeps every text in a list, for tests to read; `fail_with` makes the next sends fail."""

    name = "recording"

    def __init__(self):
        self.sent = []
        self.fail_with = []  # SendErrors to raise, first one first

    def send(self, message):
        if self.fail_with:
            raise self.fail_with.pop(0)
        self.sent.append({"to": message.to, "body": message.body, "kind": message.kind,
                          "language": message.language, "session_id": message.session_id,
                          "key": message.idempotency_key})
        return f"recorded-{message.id}"


def twilio_finding(found):
    return Finding(found.sid, str(found.status or ""),
                   str(found.error_code) if found.error_code else None, found.body)


class TwilioLookUp:
    """Asking Twilio what became of a text (for TwilioBackend)."""

    def look_up(self, message, body, since, exact=True):
        """By its sid when we have one, else among the texts to her number sent since `since`,
        by its words. NEVER_SENT only when Twilio has no text that could be it: with `exact`
        False (the words were rendered again, not stored) any text to her leaves it open.
        None when Twilio cannot be asked, or cannot say."""
        from twilio.base.exceptions import TwilioException

        try:
            if message.provider_id:
                return twilio_finding(self.client().messages(message.provider_id).fetch())
            found = self.client().messages.list(to=message.to, date_sent_after=since,
                                                limit=LOOK_UP_LIMIT)
        except (TwilioException, requests.exceptions.RequestException):
            return None
        ours = [text for text in found if body and body in (text.body or "")]
        if ours:
            return twilio_finding(ours[-1])  # newest first: the first that went
        return NEVER_SENT if (exact and body) or not found else None


class TwilioBackend(TwilioLookUp):
    """The real twilio library. One client per thread: the dispatcher sends from a pool."""

    name = "twilio"

    def __init__(self, account_sid, auth_token, *, from_number=None, messaging_service_sid=None,
                 status_callback=None, api_base_url=None, http_client_factory=None, timeout=15):
        if not (from_number or messaging_service_sid):
            raise ValueError("Twilio needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID")
        self.account_sid, self.auth_token = account_sid, auth_token
        self.from_number, self.messaging_service_sid = from_number, messaging_service_sid
        self.status_callback, self.api_base_url = status_callback, api_base_url
        self.http_client_factory, self.timeout = http_client_factory, timeout
        self._local = threading.local()

    def client(self):
        found = getattr(self._local, "client", None)
        if found is None:
            from twilio.http.http_client import TwilioHttpClient
            from twilio.rest import Client

            http = (self.http_client_factory() if self.http_client_factory
                    else TwilioHttpClient(timeout=self.timeout))
            found = Client(self.account_sid, self.auth_token, http_client=http)
            if self.api_base_url:  # a local mock of Twilio's API (staging, end-to-end tests)
                found.api.base_url = self.api_base_url.rstrip("/")
            self._local.client = found
        return found

    def arguments(self, message):
        found = {"to": message.to, "body": message.body}
        if self.messaging_service_sid:
            found["messaging_service_sid"] = self.messaging_service_sid
        else:
            found["from_"] = self.from_number
        if self.status_callback:
            found["status_callback"] = self.status_callback
        return found

    def send(self, message):
        from twilio.base.exceptions import TwilioRestException

        try:
            return self.client().messages.create(**self.arguments(message)).sid
        except TwilioRestException as error:
            code = error.code or error.status
            if error.code in PERMANENT_TWILIO_CODES:
                outcome = "permanent"
            elif error.code == 20429:
                outcome = "transient"
            else:
                outcome = outcome_for_http_status(error.status)
            raise SendError(error.msg or str(error), code=code, outcome=outcome) from error
        except requests.exceptions.RequestException as error:
            raise network_error(error) from error


class NotifyBackend:
    """GOV.UK Notify: one template per kind and language, filled by personalisation."""

    name = "notify"

    def __init__(self, api_key, templates, base_url=None, client=None):
        self.api_key, self.templates, self.base_url = api_key, dict(templates or {}), base_url
        self._client = client

    def client(self):
        if self._client is None:
            from notifications_python_client.notifications import NotificationsAPIClient

            extra = {"base_url": self.base_url} if self.base_url else {}
            self._client = NotificationsAPIClient(self.api_key, **extra)
        return self._client

    def template_for(self, message):
        template = (self.templates.get(f"{message.kind}:{message.language}")
                    or self.templates.get(message.kind))
        if not template:
            raise SendError(f"no Notify template for {message.kind} in {message.language}",
                            code="no-template", outcome="permanent")
        return template

    def send(self, message):
        from notifications_python_client.errors import HTTPError

        template = self.template_for(message)
        personalisation = getattr(message, "personalisation", None) or {"body": message.body}
        try:
            answer = self.client().send_sms_notification(
                phone_number=message.to, template_id=template,
                personalisation=personalisation, reference=message.idempotency_key)
        except HTTPError as error:
            if error.response is None and isinstance(error.__cause__, requests.RequestException):
                raise network_error(error.__cause__) from error  # may have reached Notify
            raise SendError(str(error.message), code=error.status_code,
                            outcome=outcome_for_http_status(error.status_code or 500)) from error
        except requests.exceptions.RequestException as error:
            raise network_error(error) from error
        return answer["id"]

    def status_of(self, provider_id):
        return self.client().get_notification_by_id(provider_id)["status"]

    def look_up(self, message, body=None, since=None, exact=True):
        """By its Notify id when we have one, else by its reference (our key, unique to the
        text): no notification with it means Notify never got it. None when Notify cannot be
        asked."""
        from notifications_python_client.errors import HTTPError

        try:
            if message.provider_id:
                found = [self.client().get_notification_by_id(message.provider_id)]
            else:
                found = self.client().get_all_notifications(
                    reference=message.idempotency_key).get("notifications") or []
        except (HTTPError, requests.exceptions.RequestException):
            return None
        if not found:
            return NEVER_SENT
        status = str(found[-1].get("status", ""))
        return Finding(str(found[-1]["id"]), status,
                       status if status.endswith("-failure") else None, found[-1].get("body"))
