"""Error pages in the design system, and a friendly 503 when the database is away."""

from flask import render_template
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


def render_error(code):
    title, advice = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title, advice=advice), code


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
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(OperationalError, handle_database_down)
    app.register_error_handler(InternalServerError, handle_unexpected)
    if not app.debug:
        app.register_error_handler(DBAPIError, handle_database_down)
