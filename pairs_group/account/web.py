"""The account blueprint and who may see its pages: a signed-in parent, or a text's link."""

from functools import wraps

from flask import Blueprint, abort
from flask_login import current_user

from pairs_group.account import links
from pairs_group.auth.login import login_manager

bp = Blueprint("account", __name__)


def is_parent():
    return current_user.is_authenticated and getattr(current_user, "kind", None) == "parent"


def turn_away():
    """Not signed in: to the parents' sign-in. Signed in as staff: not for you."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    abort(403)


def parent_required(view):
    """Only a signed-in parent."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        return view(*args, **kwargs) if is_parent() else turn_away()

    return wrapped


def current_parent(*purposes):
    """The signed-in parent, or the one a text's link lets in for one of these purposes."""
    if is_parent():
        return current_user
    return links.granted_parent(*purposes) if purposes else None
