"""Error pages in the design system, and a friendly 503 when the database is away.

An error page never touches the database: it may be the page of a database that is away. So it
forgets the signed-in person (her language comes from the URL, the language cookie or the
browser, and no personal menu is shown), and a script asking for JSON gets JSON."""

from flask import current_app, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from pairs_group.db import db

MESSAGES = {
    400: (_l("Something went wrong with that request"),
          _l("Please go back, check what you entered and try again.")),
    403: (_l("You cannot see this page"),
          _l("You may need to sign in with a different account.")),
    404: (_l("Page not found"),
          _l("If you typed the web address, check it is correct.")),
    405: (_l("Something went wrong with that request"),
          _l("Please go back and try again.")),
    413: (_l("That was too much to send"),
          _l("Please go back and send less.")),
    429: (_l("Too many tries"),
          _l("Please wait a few minutes, then try again.")),
    500: (_l("Sorry, there is a problem with this service"),
          _l("Please try again later.")),
    503: (_l("Sorry, the service is unavailable"),
          _l("We are working to fix it. Please try again in a few minutes.")),
}
# What a page's script shows when its answer could not be kept (the database is away).
NOT_SAVED = _l("Not saved yet. The service is not available just now. We will try again.")
# Never written back into a page: she types these again.
SECRET_FIELDS = ("password", "code", "csrf_token")
RETRY_AFTER_SECONDS = 30


def render_error(code):
    """The page (or JSON, for a script) for this status, made without the database."""
    forget_signed_in_person()
    title, advice = MESSAGES.get(code, MESSAGES[500])
    if wants_json():
        response = jsonify(ok=False, error=str(NOT_SAVED if code == 503 else title))
    else:
        response = current_app.make_response(render_template(
            "errors/error.html", code=code, title=title, advice=advice,
            kept=kept_answers() if code == 503 else None))
    response.status_code = code
    response.headers["Cache-Control"] = "no-store"
    if code == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def forget_signed_in_person():
    """Render as if signed out: the person is not loaded (or reloaded after a rollback) from
    the database, and nothing personal appears on an error page."""
    manager = getattr(current_app, "login_manager", None)
    if manager is not None and "person_before_error" not in g:
        g.person_before_error = ("_login_user" in g, g.get("_login_user"))
        g._login_user = manager.anonymous_user()


def restore_signed_in_person(_error=None):
    """After the response: put back whoever was loaded (or no one), for anything that runs
    several requests in one application context, as tests do."""
    loaded, person = g.pop("person_before_error", (None, None))
    if loaded is None:
        return
    if loaded:
        g._login_user = person
    else:
        g.pop("_login_user", None)


def wants_json():
    """A script's fetch (it asks for JSON), not a page a person opened."""
    best = request.accept_mimetypes.best_match(("text/html", "application/json"))
    return best == "application/json" and not request.accept_mimetypes.accept_html


def kept_answers():
    """What she sent in a form that could not be saved, to send again from the 503 page
    (without JavaScript nothing else keeps it): every field but passwords and codes."""
    if request.method != "POST" or request.mimetype != "application/x-www-form-urlencoded":
        return None
    kept = [(name, value) for name, values in request.form.lists() for value in values
            if name.lower() not in SECRET_FIELDS]
    return kept or None


def handle_http_error(error):
    if error.code is None or error.code < 400:
        return error
    return render_error(error.code if error.code in MESSAGES else 500)


def handle_csrf_error(_error):
    return render_error(400)


def handle_database_down(_error):
    """A database that does not answer is a 503 the user can retry, never a 500."""
    try:
        db.session.rollback()
    except DBAPIError:
        db.session.remove()
    return render_error(503)


def handle_unexpected(error):
    return render_error(500)


def init_app(app):
    app.teardown_request(restore_signed_in_person)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(OperationalError, handle_database_down)
    app.register_error_handler(InternalServerError, handle_unexpected)
    if not app.debug:
        app.register_error_handler(DBAPIError, handle_database_down)
