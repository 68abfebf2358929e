"""Who is asking, when it is a parent: signed in with a texted code, or holding the grant a
followed text link left (auth/links.py). The account feature has the pages; every feature
that serves parents asks here."""

from flask import abort, redirect, request, url_for
from flask_login import current_user

from pairs_group.auth.links import granted_parent
from pairs_group.auth.login import login_manager

SIGN_IN = "account.sign_in"


def is_parent():
    return current_user.is_authenticated and getattr(current_user, "kind", None) == "parent"


def turn_away():
    """Not signed in: to the parents' sign-in. Signed in as staff: not for you."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    abort(403)


def current_parent(*purposes):
    """The signed-in parent, or the one a text's link lets in for one of these purposes."""
    if is_parent():
        return current_user
    return granted_parent(*purposes) if purposes else None


def parent_or_sign_in(*purposes):
    """current_parent(), or (a 302 raised) to the parents' sign-in, coming back here after."""
    parent = current_parent(*purposes)
    if parent is None:
        abort(redirect(url_for(SIGN_IN, next=request.full_path.rstrip("?"))))
    return parent
