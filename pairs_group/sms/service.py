"""Texts as the rest of the app sees them: queue one, send one soon after the request, send what
is due. The work is done by job: sms/outbox.py (queue, quiet hours, render), sms/dispatch.py
(claim, screen, send, retry, the dispatcher), sms/provider.py (which backend); consent lookups
are the parents feature's (parents/consents.py). Other features import from here.

"Soon" means beside the response, not inside it: a text handed off during a request (a sign-in
code, a welcome) goes, once the view has committed the row, to a bounded queue that a few threads
of the app's send from (sms/hand_off.py); the provider can neither slow nor fail the page. The
outbox is the record either way: what the hand-off does not send, the dispatcher sends. (Not
response.call_on_close: Werkzeug's development server, `make run`, closes a response only when the
browser drops the connection, so a code could wait minutes.) Outside a request (cron, the shell) a
handed-off text waits for the dispatcher.
"""

import logging

from flask import current_app, g, has_request_context

from pairs_group.db import utcnow
from pairs_group.sms.dispatch import (  # noqa: F401 - the feature's face for other features
    claim,
    claim_batch,
    dispatch_due,
    due_count,
    send_ids,
    send_now,
    set_opted_out,
)
from pairs_group.sms.hand_off import HandOff
from pairs_group.sms.outbox import (  # noqa: F401 - the feature's face for other features
    queue_many,
    queue_sms,
    quiet_end,
    quiet_hours,
    quiet_until,
    render,
    render_example,
    render_with,
)
from pairs_group.sms.provider import (  # noqa: F401 - the feature's face
    backend,
    require_a_provider_in_production,
)

log = logging.getLogger(__name__)


HAND_OFF = "sms_hand_off"


def send_soon(message):
    """Send this text once the request has committed (a sign-in code, a welcome, texts about a
    session staff just changed), beside the response. Outside a request the dispatcher sends
    it."""
    if has_request_context():
        g.setdefault("sms_send_soon", []).append(message.id)


def _hand_off_after_response(response):
    """Give the texts handed off during this request to the app's sending threads (the view has
    committed them by now); never when the request failed. Never waits: a full queue leaves
    them to the dispatcher."""
    ids = g.pop("sms_send_soon", [])
    if ids and response.status_code < 400:
        current_app.extensions[HAND_OFF].submit(ids)
    return response


def wait_for_hand_offs(app, seconds=10):
    """Wait until the texts handed off so far have been tried (tests)."""
    return app.extensions[HAND_OFF].wait(seconds)


def send_handed_off(app, ids):
    """Send handed-off texts in the thread's own app context and session; an error is logged,
    never raised: the text stays in the outbox for the dispatcher."""
    with app.app_context():
        try:
            send_ids(ids, now=utcnow())
        except Exception:
            log.exception("texts %s: not sent by the hand-off; the dispatcher will", ids)


def init_app(app):
    """The SMS settings and their defaults are in pairs_group/config.py."""
    require_a_provider_in_production(app.config)
    app.extensions[HAND_OFF] = HandOff(lambda ids: send_handed_off(app, ids),
                                       threads=app.config["SMS_HAND_OFF_THREADS"],
                                       size=app.config["SMS_HAND_OFF_QUEUE"])
    app.after_request(_hand_off_after_response)
