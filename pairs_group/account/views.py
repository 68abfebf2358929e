"""A parent's pages: sign in with a code, home, "I can't come", calendar, settings, her data."""

import time

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from pairs_group.account import (
    codes,
    data_views,  # settings, calendar and data pages (and the calendar link's purpose)
    service,
)
from pairs_group.account.dates import LondonDates
from pairs_group.account.forms import CantComeForm, ConfirmForm, SignInCodeForm, SignInForm
from pairs_group.account.settings import code_problem_message
from pairs_group.account.web import bp
from pairs_group.audit.service import record
from pairs_group.auth import links
from pairs_group.auth.login import (
    SIGN_IN_ENDPOINTS,
    end_session,
    is_safe_next,
    register_user_kind,
    sign_out,
    signing_in,
)
from pairs_group.auth.parents import current_parent, is_parent, turn_away
from pairs_group.db import db, statement_by_statement
from pairs_group.i18n import remember
from pairs_group.limits import limit_setting, limiter, private_key
from pairs_group.parents.models import Parent
from pairs_group.tokens import BadToken

FLOW = "sign_in_flow"  # {"code": id, "next": path} while she waits for her text


def number_key():
    """Rate-limit key: the number, normalised, so spacing tricks share one count (a typo is
    counted against the address it came from, not against everyone's typos); kept in Redis as
    a keyed hash, never in clear."""
    number = codes.normalise_mobile(request.form.get("mobile", "")[:40])
    return "mobile:" + private_key(number) if number else "not-a-number:" + get_remote_address()


def pad_to(started, seconds):
    """Every answer to "text me a code" takes the same time, known number or not."""
    time.sleep(max(0.0, seconds - (time.monotonic() - started)))


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(limit_setting("ACCOUNT_CODES_PER_NUMBER"), key_func=number_key, methods=["POST"])
@limiter.limit(limit_setting("ACCOUNT_CODES_PER_ADDRESS"), methods=["POST"])
def sign_in():
    if is_parent():
        return redirect(url_for("account.home"))
    form, started = SignInForm(), time.monotonic()
    if form.validate_on_submit():
        row = codes.request_code(form.e164)
        db.session.commit()
        target = request.args.get("next", "")
        session[FLOW] = {"code": row.id, "next": target if is_safe_next(target) else ""}
        pad_to(started, current_app.config["ACCOUNT_SIGN_IN_SECONDS"])
        return redirect(url_for("account.enter_code"))
    return render_template("account/sign_in.html", form=form)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(limit_setting("ACCOUNT_CODE_CHECKS_PER_ADDRESS"), methods=["POST"])
def enter_code():
    flow = session.get(FLOW)
    if not isinstance(flow, dict) or not isinstance(flow.get("code"), int):
        return redirect(url_for("account.sign_in"))
    form = SignInCodeForm()
    if form.validate_on_submit():
        try:
            row = codes.check_code(flow["code"], form.code.digits)
        except codes.CodeProblem as problem:
            db.session.commit()  # the counted try
            form.code.errors.append(code_problem_message(problem.reason))
        else:
            return finish_sign_in(db.session.get(Parent, row.parent_id), form.remember.data,
                                  flow.get("next"))
    return render_template("account/enter_code.html", form=form)


def finish_sign_in(parent, remember, target):
    with signing_in(parent, remember=bool(remember)):
        record("account.sign_in", parent, remember=bool(remember), method="code")
        db.session.commit()
    return redirect(target if is_safe_next(target) else url_for("account.home"))


@bp.post("/sign-out", endpoint="sign_out")
def parent_sign_out():
    sign_out()
    db.session.commit()
    end_session()
    flash(_("You have signed out."), "info")
    return redirect(url_for("account.sign_in"))


@bp.get("/link/<purpose>/<token>")
@limiter.limit(limit_setting("ACCOUNT_CODE_CHECKS_PER_ADDRESS"))
def follow_link(purpose, token):
    try:
        endpoint, parent, grant = links.follow(purpose[:40], token)
    except BadToken:
        return render_template("account/link_problem.html"), 400
    remember(parent.language)  # every page reached from her text opens in her saved language
    db.session.commit()  # the link is spent before it lets her in
    links.admit(grant)
    return redirect(url_for(endpoint))


@bp.get("/t/<code>")
@limiter.limit(limit_setting("ACCOUNT_CODE_CHECKS_PER_ADDRESS"))
def follow_short_link(code):
    """The short address in a text leads on to the link it stands for."""
    target = links.short_link_target(code)
    if target is None:
        return render_template("account/link_problem.html"), 400
    return redirect(target)


@bp.get("/my-account")
def home():
    parent = current_parent("welcome")
    if parent is None:
        return turn_away()
    enrolments, schedules = service.her_schedules(parent)
    return render_template(
        "account/home.html", parent=parent, next_up=service.next_session(enrolments, schedules),
        enrolments=enrolments, schedules=schedules,
        tasks=service.tasks_for(parent), full=is_parent(), when=LondonDates())


def session_or_404(enrolment_id, session_id):
    enrolment, group_session = service.session_for(current_user, enrolment_id, session_id)
    if enrolment is None:
        abort(404)
    return enrolment, group_session


@bp.route("/my-account/groups/<int:enrolment_id>/sessions/<int:session_id>/cant-come",
          methods=["GET", "POST"])
def cant_come(enrolment_id, session_id):
    enrolment, group_session = session_or_404(enrolment_id, session_id)
    form = CantComeForm()
    if form.validate_on_submit():
        if service.say_cant_come(enrolment, group_session, form.reason.data):
            db.session.commit()
            flash(_("Thank you for telling us. We will miss you this time."), "info")
        else:
            flash(_("It is too late to change this session."), "info")
        return redirect(url_for("account.home"))
    return render_template("account/cant_come.html", form=form, enrolment=enrolment,
                           group_session=group_session)


@bp.post("/my-account/groups/<int:enrolment_id>/sessions/<int:session_id>/can-come")
def undo_cant_come(enrolment_id, session_id):
    enrolment, group_session = session_or_404(enrolment_id, session_id)
    if ConfirmForm().validate_on_submit() and service.undo_cant_come(enrolment, group_session):
        db.session.commit()
        flash(_("Great, we will see you there."), "info")
    else:
        flash(_("It is too late to change this session."), "info")
    return redirect(url_for("account.home"))


@bp.route("/my-account/groups/<int:enrolment_id>/leave", methods=["GET", "POST"])
def leave_group(enrolment_id):
    enrolment = service.enrolment_of(current_user, enrolment_id) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        service.withdraw(enrolment)
        db.session.commit()
        flash(_("You have left the group. You can join another group at any time."), "info")
        return redirect(url_for("account.home"))
    return render_template("account/leave_group.html", form=form, enrolment=enrolment)


def init_app(app):
    register_user_kind("parent", Parent)
    statement_by_statement(app, "account.home")  # her home only reads
    SIGN_IN_ENDPOINTS["account"] = "account.sign_in"
    links.register_purpose(app, "welcome", "account.home", 30 * 24 * 3600)
    links.register_purpose(app, data_views.CALENDAR_LINK, "account.calendar_page",
                           30 * 24 * 3600)
    app.register_blueprint(bp)
