"""How the audit log's sentences name groups, sessions and venues (registered by features.py,
so that the groups feature's own modules stay as they are)."""

from flask_babel import format_date
from flask_babel import gettext as _

from pairs_group.audit.service import register_thing_namer
from pairs_group.db import db
from pairs_group.groups.models import Group, GroupSession, Venue


def _get(model, raw_id):
    return db.session.get(model, int(raw_id)) if str(raw_id).isdigit() else None


def group_words(raw_id):
    group = _get(Group, raw_id)
    return group.name if group else None


def session_words(raw_id):
    """"Together Time Stockwell, Tuesday 1 December 2026" (the day in London)."""
    session = _get(GroupSession, raw_id)
    if session is None:
        return None
    return _("%(group)s, %(day)s", group=session.group.name,
             day=format_date(session.starts_at, "full"))


def venue_words(raw_id):
    venue = _get(Venue, raw_id)
    return venue.name if venue else None


def init_app(app):
    register_thing_namer("Group", group_words)
    register_thing_namer("GroupSession", session_words)
    register_thing_namer("Venue", venue_words)
