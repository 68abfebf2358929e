"""How the audit log's sentences name a parent's place and dyad: by number, never by name."""

from flask_babel import gettext as _

from pairs_group.audit.service import register_thing_namer
from pairs_group.db import db
from pairs_group.parents.models import Dyad, Enrolment


def _get(model, raw_id):
    return db.session.get(model, int(raw_id)) if str(raw_id).isdigit() else None


def enrolment_words(raw_id):
    """"Parent 12 in Together Time Stockwell"."""
    enrolment = _get(Enrolment, raw_id)
    if enrolment is None:
        return None
    return _("Parent %(id)s in %(group)s", id=enrolment.dyad.parent_id,
             group=enrolment.group.name)


def dyad_words(raw_id):
    dyad = _get(Dyad, raw_id)
    return _("Parent %(id)s", id=dyad.parent_id) if dyad else None


def init_app(app):
    register_thing_namer("Enrolment", enrolment_words)
    register_thing_namer("Dyad", dyad_words)
