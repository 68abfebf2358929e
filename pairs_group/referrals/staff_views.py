"""Staff pages: the referrals list (filtered by status) and one referral, where staff record
what happened; the referrer is told of a closing outcome if she asked."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pairs_group.audit.service import record_shown
from pairs_group.db import db
from pairs_group.i18n import translated
from pairs_group.navigation import add_staff_link
from pairs_group.parents.choices import REFERRER_ROLES
from pairs_group.parents.phones import national
from pairs_group.referrals import service
from pairs_group.referrals.forms import STATUS_LABELS, OutcomeForm, ReferralFilterForm
from pairs_group.referrals.models import OPEN, Referral

bp = Blueprint("referral_staff", __name__, url_prefix="/staff/referrals")


def labels():
    return {"roles": translated(dict(REFERRER_ROLES)), "statuses": translated(STATUS_LABELS)}


@bp.get("/")
def list_referrals():
    form = ReferralFilterForm(request.args)
    rows = service.referrals(form.status.data or None) if form.validate() else []
    page = render_template("referrals/staff/list.html", form=form, rows=rows, **labels())
    record_shown("referrals.view_list", None, status=form.status.data or "", shown=len(rows))
    return page


@bp.route("/<int:referral_id>", methods=["GET", "POST"])
def show_referral(referral_id):
    referral = db.session.get(Referral, referral_id) or abort(404)
    form = OutcomeForm()
    if form.validate_on_submit():
        if service.record_outcome(referral, form.outcome.data, current_user):
            db.session.commit()  # with the referrer's text, if she asked: sent after this
            flash(_("Saved."), "success")
        else:
            db.session.rollback()
            flash(_("This referral is already closed."), "info")
        return redirect(url_for("referral_staff.show_referral", referral_id=referral.id))
    page = render_template("referrals/staff/show.html", referral=referral, form=form,
                           reference=service.reference(referral), open=referral.status in OPEN,
                           national=national, **labels()), 400 if form.errors else 200
    record_shown("referrals.view", referral)
    return page


def init_app(app):
    app.register_blueprint(bp)
    add_staff_link("referral_staff.list_referrals", _l("Referrals"), order=25)
