"""Staff sign-in and sign-out pages."""

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from pairs_group.auth import cli
from pairs_group.auth.forms import StaffSignInForm
from pairs_group.auth.login import safe_next
from pairs_group.auth.service import authenticate_staff

bp = Blueprint("auth", __name__, url_prefix="/staff")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    form = StaffSignInForm()
    if form.validate_on_submit():
        user = authenticate_staff(form.email.data, form.password.data)
        if user:
            session.clear()  # a fresh session at sign-in: nothing carried over from before
            login_user(user)
            return redirect(safe_next("groups.list_groups"))
        form.password.errors.append(_("The email address or password is not right"))
    return render_template("auth/sign_in.html", form=form)


@bp.post("/sign-out")
def sign_out():
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.sign_in"))


def init_app(app):
    app.register_blueprint(bp)
    app.cli.add_command(cli.users)
