"""The professionals' referral page and its thank-you, and the link in her invitation, which
opens her sign-up filled in from the referral."""

from flask import Blueprint, redirect, render_template, url_for

from pairs_group.db import db, utcnow
from pairs_group.i18n import remember
from pairs_group.limits import limit_setting, limiter
from pairs_group.parents import service as sign_up
from pairs_group.parents import views as sign_up_pages
from pairs_group.parents.eligibility import normalise_postcode
from pairs_group.parents.forms import clean_lines, clean_text
from pairs_group.referrals import cli, service, staff_views
from pairs_group.referrals.forms import ReferralForm
from pairs_group.times import london_today

bp = Blueprint("referrals", __name__)


@bp.route("/refer", methods=["GET", "POST"])
@limiter.limit(limit_setting("REFERRAL_LIMIT"), methods=["POST"], scope="referrals")
def refer():
    form = ReferralForm(today=london_today(utcnow()))
    if form.validate_on_submit():
        service.make_referral(**referral_details(form))
        db.session.commit()  # the referral and her invitation together; sent after the response
        return redirect(url_for("referrals.referral_sent"))
    return render_template("referrals/refer.html", form=form)


def referral_details(form):
    born = form.baby_status.data == "born"
    needs = form.interpreter.data == "yes"
    return {
        "referrer_name": clean_text(form.referrer_name.data, 120),
        "referrer_role": form.referrer_role.data,
        "referrer_team": clean_text(form.referrer_team.data, 160),
        "referrer_email": clean_text(form.referrer_email.data, 254),
        "referrer_phone": form.referrer_phone_e164,
        "tell_referrer": form.tell_referrer.data == "yes",
        "first_name": clean_text(form.first_name.data, 120), "mobile": form.mobile_e164,
        "language": form.language.data, "postcode": normalise_postcode(form.postcode.data),
        "baby_date_of_birth": form.date_of_birth.data if born else None,
        "baby_due_date": None if born else form.due_date.data,
        "interpreter_needed": needs,
        "interpreter_language": clean_text(form.interpreter_language.data, 60) if needs else "",
        "discreet_sms": bool(form.discreet.data), "notes": clean_lines(form.notes.data, 1000),
    }


@bp.get("/refer/sent")
def referral_sent():
    """The same page whatever the number: it says nothing about any family."""
    return render_template("referrals/sent.html")


@bp.get("/invited/<token>")
@limiter.limit(limit_setting("ACCOUNT_CODE_CHECKS_PER_ADDRESS"))
def follow_invitation(token):
    """Her sign-up, begun with what the professional told us, in her language; she checks
    and completes it herself. A closed or forged invitation says so, and she can still join."""
    referral = service.referral_from_token(token)
    if referral is None:
        return render_template("referrals/invitation_closed.html"), 404
    remember(referral.language)
    return sign_up_pages.start_prefilled(
        service.prefill(referral), language=referral.language, referral=referral.id,
        referred_by=referral.referrer_role)


def init_app(app):
    app.register_blueprint(bp)
    staff_views.init_app(app)
    app.cli.add_command(cli.referral_commands)
    sign_up.signed_up.connect(service.link_joined, weak=False)
