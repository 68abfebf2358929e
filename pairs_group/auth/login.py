"""Flask-Login for two kinds of people (staff and parents), role checks and safe redirects."""

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user

from pairs_group.db import db

login_manager = LoginManager()
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"

# kind ("staff", "parent") → model class; features below auth register themselves here.
USER_KINDS = {}


def register_user_kind(kind, model):
    USER_KINDS[kind] = model


@login_manager.user_loader
def load_user(user_id):
    kind, _, raw_id = str(user_id).partition(":")
    model = USER_KINDS.get(kind)
    if model is None or not raw_id.isdigit():
        return None
    return db.session.get(model, int(raw_id))


@login_manager.unauthorized_handler
def unauthorized():
    """Send staff pages to the staff sign-in, parents' pages to the parents' sign-in."""
    target = SIGN_IN_ENDPOINTS.get(request.blueprint, "auth.sign_in")
    return redirect(url_for(target, next=request.full_path.rstrip("?")))


# blueprint name → its sign-in endpoint, for blueprints whose people are not staff.
SIGN_IN_ENDPOINTS = {}


def is_safe_next(target):
    """Only a path on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(default_endpoint):
    target = request.values.get("next", "")
    return target if is_safe_next(target) else url_for(default_endpoint)


def is_staff():
    return current_user.is_authenticated and getattr(current_user, "kind", None) == "staff"


def staff_required(*roles):
    """Only signed-in staff, and only with one of these roles when roles are named."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not is_staff() or (roles and not current_user.has_role(*roles)):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def init_app(app):
    from pairs_group.auth.models import StaffUser

    register_user_kind("staff", StaffUser)
    login_manager.init_app(app)
