"""Staff sign-in (password, then a code when a second factor is set up), two-factor set-up,
the one-time set-up link an admin gives a new member of staff, the staff member's own account
page, and sign-out."""

import time

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pairs_group.audit.service import record, register_actor_finder, register_actor_namer
from pairs_group.auth import accounts, cli, service, totp
from pairs_group.auth.forms import CodeForm, ConfirmForm, SetUpForm, StaffSignInForm
from pairs_group.auth.login import (
    end_session,
    is_safe_next,
    sign_out,
    signing_in,
)
from pairs_group.auth.models import Role, StaffUser
from pairs_group.db import db
from pairs_group.limits import limit_setting, limiter, private_key
from pairs_group.navigation import add_staff_link
from pairs_group.security import forget_this_browser

bp = Blueprint("auth", __name__, url_prefix="/staff")

PENDING_SECONDS = 300  # time allowed between a right password and its code
HOME = "groups.list_groups"


def _failed(response):
    """A sign-in form shown again (200) is a failed try; a redirect is a success."""
    return response.status_code == 200


def _account_key():
    # Rate-limit keys name no one: an email address goes to Redis as a keyed hash.
    return "account:" + private_key(request.form.get("email", "").strip().lower()[:254])


def _pending_key():
    pending = session.get("pending_sign_in") or {}
    return f"pending:{pending.get('id', request.remote_addr)}"


def _user_key():
    return f"user:{current_user.get_id() if current_user.is_authenticated else request.remote_addr}"


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(limit_setting("STAFF_SIGN_IN_LIMIT_PER_ADDRESS"), methods=["POST"],
               deduct_when=_failed, scope="staff-sign-in-address")
@limiter.limit(limit_setting("STAFF_SIGN_IN_LIMIT_PER_ACCOUNT"), methods=["POST"],
               key_func=_account_key, deduct_when=_failed, scope="staff-sign-in-account")
def sign_in():
    form = StaffSignInForm()
    if form.validate_on_submit():
        user = service.authenticate_staff(form.email.data, form.password.data)
        if user is None:
            record("staff.sign_in_failed", email=form.email.data.strip().lower()[:254])
            db.session.commit()
            form.password.errors.append(_("The email address or password is not right"))
        elif user.has_two_factor:
            return _ask_for_code(user)
        else:
            target = request.values.get("next", "")
            return _finish_sign_in(user, target if is_safe_next(target) else home_for(user))
    return render_template("auth/sign_in.html", form=form)


def _ask_for_code(user):
    db.session.commit()  # keeps an upgraded password hash
    target = request.values.get("next", "")
    session.clear()
    session["pending_sign_in"] = {"id": user.id, "at": int(time.time()),
                                  "next": target if is_safe_next(target) else ""}
    return redirect(url_for("auth.sign_in_code"))


def home_for(user):
    """Where a person lands after sign-in: evaluators have no groups, only the reports."""
    return url_for("reports.show_outcomes" if user.role == Role.EVALUATOR else HOME)


def _finish_sign_in(user, target, **details):
    with signing_in(user):
        service.note_sign_in(user)
        record("staff.sign_in", user, **details)
        db.session.commit()
    return redirect(target)


def _pending_user():
    pending = session.get("pending_sign_in") or {}
    if time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(StaffUser, pending.get("id", 0))
    return user if user is not None and user.active and user.has_two_factor else None


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(limit_setting("STAFF_CODE_LIMIT"), methods=["POST"], key_func=_pending_key,
               deduct_when=_failed, scope="staff-sign-in-code")
def sign_in_code():
    user = _pending_user()
    if user is None:
        session.pop("pending_sign_in", None)
        flash(_("Please sign in again."), "info")
        return redirect(url_for("auth.sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        if totp.verify_for_user(user, form.code.data):
            target = session["pending_sign_in"].get("next") or home_for(user)
            return _finish_sign_in(user, target, second_factor=True)
        record("staff.sign_in_failed", user, reason="code")
        db.session.commit()
        form.code.errors.append(_("That code is not right. Check your app and try again"))
    return render_template("auth/sign_in_code.html", form=form)


@bp.route("/two-factor", methods=["GET", "POST"])
@limiter.limit(limit_setting("STAFF_CODE_LIMIT"), methods=["POST"], key_func=_user_key,
               deduct_when=_failed, scope="staff-two-factor")
def set_up_two_factor():
    if current_user.has_two_factor:
        return render_template("auth/two_factor_done.html")
    secret = session.setdefault("totp_setup_secret", totp.new_secret())
    form = CodeForm()
    if form.validate_on_submit():
        if service.set_up_two_factor(current_user, secret, form.code.data):
            session.pop("totp_setup_secret", None)
            db.session.commit()
            flash(_("Your authenticator app is set up. You will need a code from it each time "
                    "you sign in."), "success")
            return redirect(url_for(HOME))
        form.code.errors.append(_("That code is not right. Check your app and try again"))
    return render_template("auth/two_factor.html", form=form, secret=secret,
                           uri=totp.provisioning_uri(secret, current_user.email))


@bp.route("/set-up/<token>", methods=["GET", "POST"])
def set_up_account(token):
    """A new member of staff (or one who forgot their password) chooses a password on the
    link an admin gave them, and is signed in; an admin then sets up an authenticator app
    (check_staff_session sends them there)."""
    user = accounts.user_for_set_up(token)
    if user is None:
        return render_template("auth/set_up_gone.html"), 404
    form = SetUpForm()
    if form.validate_on_submit():
        try:
            accounts.finish_set_up(user, token, form.password.data)
        except service.AccountError as error:
            form.password.errors.append(str(error))
        else:
            flash(_("Your password is set. Use it with your email address to sign in."),
                  "success")
            return _finish_sign_in(user, home_for(user), set_up_link=True)
    return render_template("auth/set_up.html", form=form, user=user)


@bp.get("/account")
def account():
    return render_template("auth/account.html", form=ConfirmForm())


@bp.post("/account/sign-out-everywhere")
def sign_out_everywhere():
    if ConfirmForm().validate_on_submit():
        service.sign_out_everywhere(current_user)
        db.session.commit()
    end_session()
    flash(_("You have signed out on every device."), "info")
    return forget_this_browser(redirect(url_for("auth.sign_in")))


@bp.post("/sign-out", endpoint="sign_out")
def staff_sign_out():
    sign_out()
    db.session.commit()
    end_session()
    flash(_("You have signed out."), "info")
    return forget_this_browser(redirect(url_for("auth.sign_in")))


def init_app(app):
    app.register_blueprint(bp)
    app.cli.add_command(cli.users)
    add_staff_link("auth.account", _l("Your account"), order=90)
    register_actor_namer("staff", _staff_name)
    register_actor_finder(_staff_actor)
    # The header's "Together Time" link on staff pages: her own landing page (an evaluator's is
    # the reports; the groups list would be a 403 for her).
    app.jinja_env.globals["staff_home"] = home_for


def _staff_name(user_id):
    user = db.session.get(StaffUser, user_id)
    return f"{user.name} ({user.email})" if user else None


def _staff_actor(email):
    user = service.find_staff_by_email(email) if "@" in email else None
    return user.get_id() if user else None
