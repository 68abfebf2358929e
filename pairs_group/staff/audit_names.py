"""How the audit log's sentences name staff: "Amina Khan (Facilitator)", and their roles."""

from flask_babel import gettext as _

from pairs_group.audit.service import register_thing_namer
from pairs_group.auth.models import Role, StaffUser
from pairs_group.db import db
from pairs_group.staff.forms import ROLE_NAMES


def staff_words(raw_id):
    user = db.session.get(StaffUser, int(raw_id)) if str(raw_id).isdigit() else None
    if user is None:
        return None
    return _("%(name)s (%(role)s)", name=user.name or user.email, role=ROLE_NAMES[user.role])


def role_words(value):
    try:
        return str(ROLE_NAMES[Role(value)])
    except ValueError:
        return None


def init_app(app):
    register_thing_namer("StaffUser", staff_words)
    register_thing_namer("Role", role_words)
