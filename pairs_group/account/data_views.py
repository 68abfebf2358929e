"""Her calendar, settings (with a new number checked by code) and her data, to see or delete."""

import base64
import hashlib

from flask import Response, abort, flash, redirect, render_template, session, url_for
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_login import current_user

from pairs_group.account import calendar, codes, data, data_labels, erasure, settings
from pairs_group.account.forms import (
    ConfirmForm,
    DeleteAccountForm,
    NewMobileForm,
    SettingsForm,
    SignInCodeForm,
)
from pairs_group.account.models import CodePurpose
from pairs_group.account.service import enrolment_of, enrolments_of
from pairs_group.account.web import bp
from pairs_group.audit.service import record
from pairs_group.auth.login import end_every_session, end_session, sign_out
from pairs_group.auth.parents import current_parent, is_parent, turn_away
from pairs_group.db import db, utcnow
from pairs_group.i18n import babel_locale
from pairs_group.limits import limit_setting, limiter
from pairs_group.security import content_security_policy
from pairs_group.sms.service import render_example
from pairs_group.times import london_today

CALENDAR_LINK = "calendar"  # the link in her welcome text: her calendar downloads, no sign-in
NEW_MOBILE = "new_mobile_flow"  # {"code": id, "mobile": E.164} while she checks a new number


def ics_response(body, filename):
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store"})


@bp.get("/my-account/calendar")
def calendar_page():
    """Her calendar downloads; signed in, also the feed her calendar app follows. The link in
    her welcome text lands here too (the downloads only: a feed is made signed in)."""
    parent = current_parent(CALENDAR_LINK)
    if parent is None:
        return turn_away()
    full = is_parent()
    feed = calendar.feed_of(parent) if full else None  # made by "Get my calendar address"
    feed_url = feed and url_for("account.calendar_feed", token=feed.token, _external=True)
    webcal_url = feed_url and feed_url.replace("http", "webcal", 1).replace("webcals", "webcal")
    return render_template("account/calendar.html", enrolments=enrolments_of(parent),
                           feed_url=feed_url, webcal_url=webcal_url, form=ConfirmForm(),
                           full=full)


@bp.get("/my-account/groups/<int:enrolment_id>/calendar.ics")
def download_calendar(enrolment_id):
    parent = current_parent(CALENDAR_LINK)
    if parent is None:
        return turn_away()
    enrolment = enrolment_of(parent, enrolment_id) or abort(404)
    body = calendar.calendar_of([enrolment], enrolment.group.name)
    return ics_response(body, f"together-time-{enrolment.id}.ics")


@bp.post("/my-account/calendar/new-address")
def renew_calendar():
    if ConfirmForm().validate_on_submit():
        if calendar.renew_feed(current_user):
            flash(_("Your calendar has a new address. The old one no longer works."), "info")
        db.session.commit()
    return redirect(url_for("account.calendar_page"))


@bp.get("/calendar/<token>.ics")
def calendar_feed(token):
    parent = calendar.parent_for_feed(token) or abort(404)
    with force_locale(babel_locale(parent.language)):  # her calendar app has no cookie
        body = calendar.calendar_of(enrolments_of(parent), _("Together Time"))
    return ics_response(body, "together-time.ics")


@bp.route("/my-account/settings", methods=["GET", "POST"])
def edit_settings():
    form = SettingsForm(data=settings.current(current_user))
    if form.validate_on_submit():
        settings.save(current_user, form.data)
        db.session.commit()
        flash(_("Your settings are saved."), "info")
        return redirect(url_for("account.edit_settings"))
    # The hint shows the discreet reminder itself, in her texts' language.
    discreet_example = render_example("reminder", current_user.language, discreet=True)
    return render_template("account/settings.html", form=form, discreet_example=discreet_example)


@bp.post("/my-account/settings/sign-out-everywhere")
def sign_out_everywhere():
    """A lost or shared phone: every session and remembered phone of hers ends, this one too."""
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("account.edit_settings"))
    record("account.sign_out_everywhere", current_user)
    sign_out()
    db.session.commit()
    end_session()
    flash(_("You have signed out on every device."), "info")
    return redirect(url_for("account.sign_in"))


@bp.route("/my-account/settings/mobile", methods=["GET", "POST"])
@limiter.limit(limit_setting("ACCOUNT_CODES_PER_ADDRESS"), methods=["POST"])
def change_mobile():
    form = NewMobileForm()
    if form.validate_on_submit():
        row = codes.request_code(form.e164, CodePurpose.CHANGE_MOBILE, parent=current_user)
        db.session.commit()
        session[NEW_MOBILE] = {"code": row.id, "mobile": form.e164}
        return redirect(url_for("account.check_new_mobile"))
    return render_template("account/change_mobile.html", form=form)


@bp.route("/my-account/settings/mobile/code", methods=["GET", "POST"])
@limiter.limit(limit_setting("ACCOUNT_CODE_CHECKS_PER_ADDRESS"), methods=["POST"])
def check_new_mobile():
    flow = session.get(NEW_MOBILE)
    if not isinstance(flow, dict) or not isinstance(flow.get("code"), int):
        return redirect(url_for("account.change_mobile"))
    form = SignInCodeForm()
    if form.validate_on_submit():
        problem = settings.confirm_new_mobile(current_user, flow["code"], form.code.data.strip())
        db.session.commit()  # her new number, or the counted try
        if problem is None:
            session.pop(NEW_MOBILE, None)
            flash(_("Your mobile number is changed."), "info")
            return redirect(url_for("account.edit_settings"))
        form.code.errors.append(problem)
    return render_template("account/enter_code.html", form=form, new_mobile=flow["mobile"])


@bp.get("/my-account/my-data")
def my_data():
    found = data.for_reading(data.collect(current_user))
    record("account.view_data", current_user)
    db.session.commit()
    return render_template("account/my_data.html", found=found, form=ConfirmForm(),
                           consents=settings.consents_of(current_user), **data_labels.SECTIONS)


DOWNLOADS = {"json": "application/json", "csv": "text/csv", "html": "text/html"}
# The readable file's own styles, inline so that a saved copy needs nothing else; allowed by
# their hash in this response's content policy (every other page allows no inline style).
FILE_STYLE = (
    "body{font-family:Arial,sans-serif;line-height:1.5;margin:1rem auto;max-width:42rem;"
    "padding:0 1rem;color:#212b32;overflow-wrap:anywhere}"
    "h2{border-top:1px solid #d8dde0;margin-top:2rem;padding-top:1rem}dl{margin:0 0 1.5rem}"
    ".nhsuk-summary-list__row{border-bottom:1px solid #d8dde0;padding:.5rem 0}"
    "dt{font-weight:bold}dd{margin:0}")
FILE_STYLE_HASH = base64.b64encode(hashlib.sha256(FILE_STYLE.encode()).digest()).decode()


@bp.get("/my-account/my-data.<any(json, csv, html):kind>")
def download_data(kind):
    found = data.collect(current_user)
    record("account.export", current_user, format=kind)
    db.session.commit()
    if kind == "html":
        # A page of its own she can read, print or save (the link on My data saves it): shown,
        # not forced to download, so it opens like any page when followed.
        body = render_template("account/my_data_file.html", found=data.for_reading(found),
                               made_on=format_date(london_today(utcnow()), "long"),
                               style=FILE_STYLE, **data_labels.SECTIONS)
        return Response(body, mimetype=DOWNLOADS[kind], headers={
            "Content-Disposition": 'inline; filename="my-together-time-data.html"',
            "Cache-Control": "private, no-store",
            "Content-Security-Policy": content_security_policy().replace(
                "style-src 'self'", f"style-src 'self' 'sha256-{FILE_STYLE_HASH}'")})
    body = data.as_json(found) if kind == "json" else data.as_csv(found)
    return Response(body, mimetype=DOWNLOADS[kind], headers={
        "Content-Disposition": f'attachment; filename="my-together-time-data.{kind}"',
        "Cache-Control": "private, no-store"})


@bp.route("/my-account/my-data/withdraw-consent", methods=["GET", "POST"])
def withdraw_consent():
    """Taking back her yes is asked twice (what it means, and how to undo it) before it is done."""
    if not settings.agreed_to_evaluation(current_user):
        return redirect(url_for("account.my_data"))
    form = ConfirmForm()
    if form.validate_on_submit() and settings.withdraw_evaluation_consent(current_user):
        db.session.commit()
        flash(_("You have taken back your permission. We will not use your answers to "
                "check how the service is doing. You can say yes again on this page."), "info")
        return redirect(url_for("account.my_data"))
    return render_template("account/withdraw_consent.html", form=form)


@bp.post("/my-account/my-data/give-consent")
def give_consent():
    """Her yes again (the undo of taking it back, or a change of mind after a no)."""
    if ConfirmForm().validate_on_submit() and settings.give_evaluation_consent(current_user):
        db.session.commit()
        flash(_("Thank you. We will use your answers to check how the service is doing."),
              "info")
    return redirect(url_for("account.my_data"))


@bp.route("/my-account/delete", methods=["GET", "POST"])
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        parent = current_user._get_current_object()
        end_every_session(parent)  # a copied cookie must not open what is left of her row
        erasure.erase_parent(parent)
        db.session.commit()
        end_session()
        flash(_("Your account is deleted. Thank you for being part of Together Time."), "info")
        return redirect(url_for("pages.index"))
    return render_template("account/delete.html", form=form,
                           keeps=erasure.agreed_to_evaluation(current_user))
