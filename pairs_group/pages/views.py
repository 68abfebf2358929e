"""Public pages anyone can read, signed in or not."""

from flask import Blueprint, render_template

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    return render_template("pages/index.html")


@bp.get("/privacy")
def privacy():
    return render_template("pages/privacy.html")


@bp.get("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html")


def init_app(app):
    app.register_blueprint(bp)
