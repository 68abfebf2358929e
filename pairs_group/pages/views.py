"""Public pages anyone can read, signed in or not, and the language switch."""

from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from pairs_group.auth.login import safe_next
from pairs_group.auth.service import save_language
from pairs_group.db import db
from pairs_group.i18n import LANGUAGES, babel_locale, remember, supported
from pairs_group.pages import service

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    return render_template("pages/index.html", groups=service.upcoming_groups())


@bp.get("/privacy")
def privacy():
    return render_template("pages/privacy.html")


@bp.get("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.post("/language")
def change_language():
    """The switch for someone signed in: her choice is saved, so every page and (for a parent)
    every text is in it from now on, not only the next page. Signed out, the switch is a link."""
    code = supported(request.form.get("language"))
    target = safe_next("pages.index", request.form.get("next"))
    if code is None:
        return redirect(target)
    remember(code)
    if current_user.is_authenticated and save_language(current_user._get_current_object(), code):
        db.session.commit()
        with force_locale(babel_locale(code)):
            flash(saved_message(code), "info")
    return redirect(target)


def saved_message(code):
    name = LANGUAGES[code].native_name
    if getattr(current_user, "kind", None) == "parent":
        return _("Your language is now %(language)s. Your pages and your texts will be in "
                 "%(language)s.", language=name)
    return _("Your language is now %(language)s. Your pages will be in %(language)s.",
             language=name)


def init_app(app):
    service.init_app(app)
    app.register_blueprint(bp)
