"""Flask-Login for two kinds of people (staff and parents), role checks and safe redirects;
staff sessions end when idle, when too old, or when signed out everywhere."""

import time
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user

from pairs_group.db import db

login_manager = LoginManager()
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"

# kind ("staff", "parent") → model class; features below auth register themselves here.
USER_KINDS = {}
# Pages an admin without a second factor may still open: the set-up itself and the way out.
TWO_FACTOR_SETUP_ENDPOINTS = {"static", "auth.set_up_two_factor", "auth.sign_out"}


def register_user_kind(kind, model):
    USER_KINDS[kind] = model


@login_manager.user_loader
def load_user(user_id):
    """The signed-in person, unless their account was closed or signed out everywhere since."""
    kind, _, raw_id = str(user_id).partition(":")
    model = USER_KINDS.get(kind)
    if model is None or not raw_id.isdigit():
        return None
    user = db.session.get(model, int(raw_id))
    if user is None or not user.is_active:
        return None
    version = getattr(user, "session_version", None)
    if version is not None and session.get("auth_version") != version:
        return None
    return user


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


def safe_next(default_endpoint, target=None):
    target = request.values.get("next", "") if target is None else target
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


def start_session(user):
    """Sign a person in on a fresh session: nothing from before sign-in is carried over."""
    session.clear()
    login_user(user)
    session["auth_version"] = getattr(user, "session_version", None)
    session["signed_in_at"] = session["seen_at"] = int(time.time())


def end_session():
    logout_user()
    session.clear()


def _session_expired():
    now = time.time()
    idle = current_app.config["STAFF_IDLE_MINUTES"] * 60
    longest = current_app.config["STAFF_SESSION_HOURS"] * 3600
    return (now - session.get("seen_at", 0) > idle
            or now - session.get("signed_in_at", 0) > longest)


def _needs_two_factor_setup():
    return (current_app.config["STAFF_TOTP_REQUIRED_FOR_ADMINS"]
            and current_user.role == "admin" and not current_user.has_two_factor)


def check_staff_session():
    """Before each request: end a staff session left idle too long; send an admin without a
    second factor to set one up before anything else."""
    if request.endpoint == "static" or not is_staff():
        return None
    if _session_expired():
        end_session()
        flash(_("You were signed out because you had not used the service for %(minutes)d "
                "minutes. Please sign in again.",
                minutes=current_app.config["STAFF_IDLE_MINUTES"]), "info")
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    session["seen_at"] = int(time.time())
    if _needs_two_factor_setup() and request.endpoint not in TWO_FACTOR_SETUP_ENDPOINTS:
        return redirect(url_for("auth.set_up_two_factor"))
    return None


def init_app(app):
    from pairs_group.auth.models import StaffUser

    app.config.setdefault("STAFF_IDLE_MINUTES", 30)
    app.config.setdefault("STAFF_SESSION_HOURS", 12)
    app.config.setdefault("STAFF_TOTP_REQUIRED_FOR_ADMINS", True)
    register_user_kind("staff", StaffUser)
    login_manager.init_app(app)
    app.before_request(check_staff_session)
