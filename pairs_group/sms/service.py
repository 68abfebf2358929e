"""Texts as the rest of the app sees them: queue one, send one soon after the request, send what
is due. The work is done by job: sms/outbox.py (queue, quiet hours, render), sms/dispatch.py
(claim, screen, send, retry, the dispatcher), sms/provider.py (which backend); consent lookups
are the parents feature's (parents/consents.py). Other features import from here.

"Soon" means beside the response, not inside it: a text handed off during a request (a sign-in
code, a welcome) is sent by a worker thread of the app's (two at most), in its own app context
and database session, once the view has committed the row; the provider can neither slow nor
fail the page. The outbox is the record either way: what the worker does not send, the
dispatcher sends. (Not response.call_on_close: Werkzeug's development server, `make run`, closes
a response only when the browser drops the connection, so a code could wait minutes.) Outside a
request (cron, the shell) a handed-off text waits for the dispatcher.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_for_futures

from flask import current_app, g, has_request_context

from pairs_group.db import utcnow
from pairs_group.sms.dispatch import (  # noqa: F401 - the feature's face for other features
    claim,
    claim_batch,
    dispatch_due,
    send_ids,
    send_now,
    set_opted_out,
)
from pairs_group.sms.outbox import (  # noqa: F401 - the feature's face for other features
    queue_many,
    queue_sms,
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
    """Give the texts handed off during this request to the app's worker (the view has
    committed them by now); never when the request failed."""
    ids = g.pop("sms_send_soon", [])
    if ids and response.status_code < 400:
        app = current_app._get_current_object()
        hand_off = app.extensions[HAND_OFF]
        hand_off["pending"] = [f for f in hand_off["pending"] if not f.done()]
        hand_off["pending"].append(hand_off["worker"].submit(send_handed_off, app, ids))
    return response


def wait_for_hand_offs(app, seconds=10):
    """Wait until the texts handed off so far have been tried (tests, and a clean shutdown)."""
    wait_for_futures(app.extensions[HAND_OFF]["pending"], timeout=seconds)


def send_handed_off(app, ids):
    """Send handed-off texts in the worker's own app context and session; an error is logged,
    never raised: the text stays in the outbox for the dispatcher."""
    with app.app_context():
        try:
            send_ids(ids, now=utcnow())
        except Exception:
            log.exception("texts %s: not sent by the hand-off; the dispatcher will", ids)


def init_app(app):
    """The SMS settings and their defaults are in pairs_group/config.py."""
    require_a_provider_in_production(app.config)
    app.extensions[HAND_OFF] = {
        "worker": ThreadPoolExecutor(max_workers=2, thread_name_prefix="sms-hand-off"),
        "pending": []}
    app.after_request(_hand_off_after_response)
