"""Flask-Login for two kinds of people (staff and parents) and safe redirects (who may open
which page is access.py alone); staff sessions end when idle or too old; anyone's sessions
end on every device at sign-out.

What the session cookie and the remember-me cookie carry is a session token, "kind:id:version"
(Flask-Login's "alternative token"): signing out raises the person's session_version, so every
copy of either cookie stops working at once. The version is checked on the row loaded for the
request anyway, so it costs no query. get_id() stays "kind:id", the stable name in the audit log.
"""

import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from pairs_group.access import Role
from pairs_group.db import db

login_manager = LoginManager()
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"
login_manager.id_attribute = "get_session_token"

# kind ("staff", "parent") → model class; features below auth register themselves here.
USER_KINDS = {}
# kind → the statement that reads one of them by id, built once: every signed-in page reads
# its person first, and db.session.get built its select again each time (a third of the read).
USER_BY_ID = {}
# Pages an admin without a second factor may still open: the set-up itself and the way out.
TWO_FACTOR_SETUP_ENDPOINTS = {"static", "auth.set_up_two_factor", "auth.sign_out"}


def register_user_kind(kind, model):
    USER_KINDS[kind] = model
    USER_BY_ID[kind] = sa.select(model).where(model.id == sa.bindparam("id"))


class SessionVersioned(UserMixin):
    """A person who can sign in: get_id() names them, get_session_token() is what a cookie
    carries. The model has `kind` and a `session_version` column."""

    def get_id(self):
        return f"{self.kind}:{self.id}"

    def get_session_token(self):
        return f"{self.kind}:{self.id}:{self.session_version}"


def end_every_session(user):
    """Make every session and remember-me cookie of this person stop working (the caller
    commits): any number above the one they carry does it, so two sign-outs at once that
    both write the same number are fine."""
    user.session_version = (user.session_version or 0) + 1


@login_manager.user_loader
def load_user(token):
    """The signed-in person, unless their account was closed or they signed out since."""
    parts = str(token).split(":")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts[1:]):
        return None
    statement = USER_BY_ID.get(parts[0])
    user = db.session.execute(statement, {"id": int(parts[1])}).scalar_one_or_none() \
        if statement is not None else None
    return user if still_signed_in(user, int(parts[2])) else None


def still_signed_in(user, version):
    return user is not None and user.is_active and user.session_version == version


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


def start_session(user, remember=False):
    """Sign a person in on a fresh session: nothing from before sign-in is carried over."""
    session.clear()
    login_user(user, remember=remember)
    session["signed_in_at"] = session["seen_at"] = int(time.time())


@contextmanager
def signing_in(user, remember=False):
    """Sign a person in for the work inside, which ends with the caller's commit: if it fails,
    this browser is signed out again, so a code or step whose use was not stored lets no one
    in (the sign-in's audit inside names her, as she is signed in)."""
    start_session(user, remember=remember)
    try:
        yield
    except BaseException:
        end_session()
        raise


def end_session():
    """Forget this browser's session. logout_user() runs after the clear: it leaves the note
    that tells Flask-Login to delete the remember-me cookie in this response."""
    session.clear()
    logout_user()


def sign_out():
    """Sign the person out everywhere their cookies may have been copied to (flushed): the
    caller commits, then forgets this browser with end_session(), so a sign-out that could not
    be stored leaves her signed in here to try again."""
    if current_user.is_authenticated:
        end_every_session(current_user._get_current_object())


# How far the last-seen time may lag: writing it on every page changed the session, so every
# page signed and sent a new session cookie (~0.2 ms); a minute more or less on a 30-minute
# idle time-out is the same for anyone.
SEEN_AT_STEP = 60


def _session_expired():
    now = time.time()
    idle = current_app.config["STAFF_IDLE_MINUTES"] * 60
    longest = current_app.config["STAFF_SESSION_HOURS"] * 3600
    return (now - session.get("seen_at", 0) > idle
            or now - session.get("signed_in_at", 0) > longest)


def two_factor_required(user):
    """Whether this person must sign in with a code from an app as well (admins, unless the
    service has turned that off)."""
    return current_app.config["STAFF_TOTP_REQUIRED_FOR_ADMINS"] and user.role == Role.ADMIN


def _needs_two_factor_setup():
    return two_factor_required(current_user) and not current_user.has_two_factor


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
    now = int(time.time())
    if now - session.get("seen_at", 0) >= SEEN_AT_STEP:
        session["seen_at"] = now
    if _needs_two_factor_setup() and request.endpoint not in TWO_FACTOR_SETUP_ENDPOINTS:
        return redirect(url_for("auth.set_up_two_factor"))
    return None


def init_app(app):
    from pairs_group.auth.models import StaffUser

    register_user_kind("staff", StaffUser)
    login_manager.init_app(app)
    app.before_request(check_staff_session)
    app.jinja_env.globals["two_factor_required"] = two_factor_required
