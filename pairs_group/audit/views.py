"""The audit log page: admins see who did what and when, filtered and a page at a time."""

from datetime import time, timedelta

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from pairs_group.audit import sentences, service
from pairs_group.audit.forms import AuditFilterForm
from pairs_group.db import db
from pairs_group.navigation import add_staff_link
from pairs_group.times import london_moment

bp = Blueprint("audit", __name__, url_prefix="/staff/audit")

PER_PAGE = 50


def actor_words(actor):
    """Who did it, in the reader's language: "Parent 3", "Staff: name", "System", "Anonymous";
    anything else as stored, marked as a name for machines."""
    kind, _sep, raw_id = (actor or "").partition(":")
    if actor in ("system", "anonymous"):
        return _("System") if actor == "system" else _("Anonymous")
    if kind == "parent" and raw_id.isdigit():
        return _("Parent %(id)s", id=raw_id)
    if kind == "staff" and raw_id.isdigit():
        name = service.describe_actor(actor)
        return _("Staff %(id)s", id=raw_id) if name == actor else _("Staff: %(name)s", name=name)
    return Markup('<code translate="no">%s</code>') % (actor or "")


# Marks one person saves for one session within this time read as one line ("marked 3 families
# attended"); each event stays listed under it.
RUN_GAP = timedelta(minutes=10)


def _run_key(event):
    details = event.details or {}
    status = (details.get("after") or {}).get("status")
    if event.action != "attendance.change" or details.get("by") == "parent" or not (
            status and details.get("session_id")):
        return None
    return event.actor, details["session_id"], status


def lines(events):
    """The page's events as lines: [(sentence, [events])], alike register marks together."""
    found = []
    for event in events:
        key = _run_key(event)
        last = found[-1][1] if found else None
        if key and last and _run_key(last[-1]) == key and last[-1].at - event.at <= RUN_GAP:
            last.append(event)
        else:
            found.append((None, [event]))
    return [(sentences.sentence(run[0], len(run)), run) for _none, run in found]


def _bound(day, end):
    """The UTC start (or end) of a London day (the form keeps days within the calendar)."""
    if not day:
        return None
    return london_moment(day + timedelta(days=1) if end else day, time(0))


def _time_range(form):
    return _bound(form.since.data, end=False), _bound(form.until.data, end=True)


@bp.get("/")
def list_events():
    form = AuditFilterForm(request.args)
    if form.validate():
        since, until = _time_range(form)
        query = service.find_events(form.who.data, form.action.data, since, until)
    else:  # nothing matches a filter that is wrong; the error summary says why
        query = service.find_events().where(sa.false())
    page = min(max(request.args.get("page", 1, type=int), 1), 100_000)
    events = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False, count=True)
    return render_template("audit/list.html", form=form, events=events,
                           lines=lines(events.items), filters=form.query_args(),
                           describe_actor=actor_words)


def init_app(app):
    service.guard_append_only()
    app.register_blueprint(bp)
    add_staff_link("audit.list_events", _l("Audit log"), order=80)
