"""Record an audit event for the person making the current request (or the system)."""

from flask import has_request_context, request
from flask_login import current_user

from pairs_group.audit.models import AuditEvent
from pairs_group.db import db


def current_actor():
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.get_id()
    return "system"


def record(action, target=None, **details):
    """Add an audit event to the session (it is committed with the change it describes)."""
    event = AuditEvent(
        actor=current_actor(), action=action,
        target_type=type(target).__name__ if target is not None else "",
        target_id=str(getattr(target, "id", "") or "") if target is not None else "",
        details=details,
        ip_address=(request.remote_addr or "")[:45] if has_request_context() else "",
    )
    db.session.add(event)
    return event
