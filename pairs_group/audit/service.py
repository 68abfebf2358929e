"""Record an audit event for the person making the current request (or the system); the log is
append-only: the ORM refuses to change or delete an event once written."""

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user

from pairs_group.audit.models import AuditEvent
from pairs_group.db import db

# kind ("staff") → function(id) giving a readable name, and email → actor finders; features
# above the audit log register these, since the log itself knows no people.
ACTOR_NAMERS = {}
ACTOR_FINDERS = []
# kind of thing ("GroupSession", "Role", ...) -> function(id) giving its words for the log's
# sentences (audit/sentences.py), registered by the feature that owns it.
THING_NAMERS = {}


# insert()'s statement, its values given as it runs: building it with them on every view
# cost about as much as running it.
INSERT_EVENT = sa.insert(AuditEvent.__table__)


class AuditLogIsAppendOnly(RuntimeError):
    """Something tried to change or delete an audit event."""


def current_actor():
    if not has_request_context():
        return "system"
    if current_user and current_user.is_authenticated:
        return current_user.get_id()
    return "anonymous"


def event_values(action, target, details):
    """An audit event's columns: who (this request's person, or the system), what, to what. A
    target is named by its model's name, or by its `audit_kind` when it is a record read for a
    page that stands for a model's row."""
    if hasattr(target, "_get_current_object"):  # current_user: name the person, not the proxy
        target = target._get_current_object()
    return dict(
        actor=current_actor(), action=action,
        target_type=getattr(target, "audit_kind", type(target).__name__)
        if target is not None else "",
        target_id=str(getattr(target, "id", "") or "") if target is not None else "",
        details=details,
        ip_address=(request.remote_addr or "")[:45] if has_request_context() else "",
    )


def record(action, target=None, **details):
    """Add an audit event to the session (it is committed with the change it describes)."""
    event = AuditEvent(**event_values(action, target, details))
    db.session.add(event)
    return event


def insert(action, target=None, **details):
    """The same event as record(), written at once as one INSERT with no ORM object to flush:
    for a read-audit written on every view of a busy page (the register). It goes through the
    session's connection, so it commits (or rolls back) with the request; the ORM's execute
    hooks are skipped, and none concerns adding to the log."""
    db.session.connection().execute(INSERT_EVENT, event_values(action, target, details))


def record_shown(action, target=None, **details):
    """Record that staff were shown a named parent's data, and commit it at once (a page view
    changes nothing else). Call it after rendering: a commit expires every loaded row, and the
    page would then load them again one at a time."""
    record(action, target, **details)
    db.session.commit()


def register_actor_namer(kind, namer):
    ACTOR_NAMERS[kind] = namer


def register_thing_namer(kind, namer):
    THING_NAMERS[kind] = namer


def name_of(kind, raw_id):
    """The words for one thing the log names, or None (unknown kind, gone, or no id)."""
    namer = THING_NAMERS.get(kind)
    if namer is None or raw_id is None or raw_id == "":
        return None
    return namer(raw_id)


def register_actor_finder(finder):
    if finder not in ACTOR_FINDERS:
        ACTOR_FINDERS.append(finder)


def describe_actor(actor):
    """'staff:3' as the person's name and email where known, else as stored."""
    kind, _, raw_id = (actor or "").partition(":")
    namer = ACTOR_NAMERS.get(kind)
    name = namer(int(raw_id)) if namer and raw_id.isdigit() else None
    return name or actor


def actor_for(who):
    """What the log stores for a person searched for by email, or the text as typed."""
    who = (who or "").strip()
    for finder in ACTOR_FINDERS:
        found = finder(who)
        if found:
            return found
    return who


def find_events(who="", action="", since=None, until=None):
    """A query for events, newest first, filtered by actor, action prefix and a time range."""
    query = sa.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if who:
        query = query.where(AuditEvent.actor == actor_for(who))
    if action:
        query = query.where(AuditEvent.action.startswith(action.strip(), autoescape=True))
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    return query


def _refuse_changes(session, _flush_context, _instances):
    for event in session.deleted:
        if isinstance(event, AuditEvent):
            raise AuditLogIsAppendOnly("audit events are never deleted")
    for event in session.dirty:
        if isinstance(event, AuditEvent) and session.is_modified(event):
            raise AuditLogIsAppendOnly("audit events are never changed")


def _refuse_bulk_changes(state):
    if (state.is_update or state.is_delete) and state.bind_mapper is not None \
            and state.bind_mapper.class_ is AuditEvent:
        raise AuditLogIsAppendOnly("audit events are never changed or deleted")


def guard_append_only():
    """Listen on every ORM session, so nothing in the app can rewrite history."""
    if not sa.event.contains(sa.orm.Session, "before_flush", _refuse_changes):
        sa.event.listen(sa.orm.Session, "before_flush", _refuse_changes)
        sa.event.listen(sa.orm.Session, "do_orm_execute", _refuse_bulk_changes)
