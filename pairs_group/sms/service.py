"""Texts as the rest of the app sees them: queue one, send one soon after the request, send what
is due. The work is done by job: sms/outbox.py (queue, quiet hours, render), sms/dispatch.py
(claim, screen, send, retry, the dispatcher), sms/provider.py (which backend); consent lookups
are the parents feature's (parents/consents.py). Other features import from here.

"Soon" means after the response: a text handed off during a request (a sign-in code, a welcome)
is sent once the response has gone (response.call_on_close), in its own app context and
database session, so the provider can neither slow nor fail the page, and only if the request
committed the row (the outbox is the record either way: what is not sent then, the dispatcher
sends). Outside a request (cron, the shell) a handed-off text waits for the dispatcher.
"""

import logging

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
)
from pairs_group.sms.provider import (  # noqa: F401 - the feature's face
    backend,
    require_a_provider_in_production,
)

log = logging.getLogger(__name__)


def send_soon(message):
    """Send this text once the request has committed and its response has gone (a sign-in
    code, a welcome, texts about a session staff just changed). Outside a request the
    dispatcher sends it."""
    if has_request_context():
        g.setdefault("sms_send_soon", []).append(message.id)


def _hand_off_after_response(response):
    """Attach the texts handed off during this request to the response's close: they are sent
    after the last byte has gone, never when the request failed."""
    ids = g.pop("sms_send_soon", [])
    if ids and response.status_code < 400:
        app = current_app._get_current_object()
        response.call_on_close(lambda: send_handed_off(app, ids))
    return response


def send_handed_off(app, ids):
    """Send handed-off texts in a fresh app context and session (the request's are gone); an
    error is logged, never raised: the text stays in the outbox for the dispatcher."""
    with app.app_context():
        try:
            send_ids(ids, now=utcnow())
        except Exception:
            log.exception("texts %s: not sent after the response; the dispatcher will", ids)


def init_app(app):
    """The SMS settings and their defaults are in pairs_group/config.py."""
    require_a_provider_in_production(app.config)
    app.after_request(_hand_off_after_response)
