"""Staff pages: a group's waiting list (offer a place, enrol, move) and adding a walk-in parent."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from pairs_group.audit.service import record
from pairs_group.db import db, utcnow
from pairs_group.groups.models import Group, GroupStatus
from pairs_group.groups.service import visible_groups
from pairs_group.groups.views import group_for_staff
from pairs_group.navigation import add_staff_link
from pairs_group.parents import places, service
from pairs_group.parents.eligibility import normalise_postcode
from pairs_group.parents.forms import (
    EnrolmentActionForm,
    MoveForm,
    WalkInForm,
    clean_lines,
    clean_text,
)
from pairs_group.parents.models import Enrolment, EnrolmentStatus
from pairs_group.times import london_today

bp = Blueprint("waiting_list", __name__, url_prefix="/staff")


def my_groups():
    return db.session.scalars(visible_groups(current_user)
                              .where(Group.status != GroupStatus.FINISHED)
                              .order_by(Group.first_session_at)).all()


def waiting_enrolment(group, enrolment_id):
    """A waiting enrolment of this group, or 404 (a tampered or stale id)."""
    enrolment = places.get_row(Enrolment, enrolment_id)
    if enrolment is None or enrolment.group_id != group.id \
            or enrolment.status != EnrolmentStatus.WAITING:
        abort(404)
    return enrolment


@bp.get("/waiting-lists")
def list_waiting_lists():
    groups = my_groups()
    return render_template("parents/staff/waiting_lists.html", rows=[
        (g, len(places.waiting_list(g.id)), places.places_left(g)) for g in groups])


@bp.get("/groups/<int:group_id>/waiting-list")
def show_waiting_list(group_id):
    group = group_for_staff(group_id)
    waiting = places.waiting_list(group.id)
    record("parents.view_waiting_list", group, parents=len(waiting))
    db.session.commit()
    others = [g for g in my_groups() if g.id != group.id]
    rows = [(e, places.open_offer(e)) for e in waiting]
    return render_template("parents/staff/waiting_list.html", group=group, rows=rows,
                           places_left=places.places_left(group),
                           move_form=move_form(others), others=others)


def move_form(others):
    form = MoveForm()
    form.group_id.choices = [SelectChoice(g.id, g.name) for g in others]
    return form


def posted_waiting_enrolment(group_id):
    """The group and the waiting enrolment a waiting-list button names (400 if the post is
    malformed, 404 if the enrolment is not waiting for this group)."""
    group = group_for_staff(group_id)
    form = EnrolmentActionForm()
    if not form.validate_on_submit():
        abort(400)
    return group, waiting_enrolment(group, form.enrolment_id.data)


@bp.post("/groups/<int:group_id>/waiting-list/offer")
def offer_place(group_id):
    group, enrolment = posted_waiting_enrolment(group_id)
    try:
        places.offer_place(enrolment)
        db.session.commit()
        flash(_("Place offered. We have texted her a link to take it."), "success")
    except (places.GroupFull, places.OfferClosed):
        db.session.rollback()
        flash(_("No place to offer: the group is full, or she already has an offer."), "info")
    return redirect(url_for("waiting_list.show_waiting_list", group_id=group.id))


@bp.post("/groups/<int:group_id>/waiting-list/enrol")
def enrol_now(group_id):
    group, enrolment = posted_waiting_enrolment(group_id)
    try:
        places.enrol_from_waiting_list(enrolment)
        db.session.commit()
    except places.GroupFull:
        db.session.rollback()
        flash(_("The group is full. Offer her the next place that frees up, or move her to "
                "another group."), "info")
    else:
        places.announce_place_taken(enrolment)
        db.session.commit()  # her welcome text
        flash(_("%(name)s now has a place.", name=enrolment.dyad.parent.name), "success")
    return redirect(url_for("waiting_list.show_waiting_list", group_id=group.id))


@bp.post("/groups/<int:group_id>/waiting-list/move")
def move_parent(group_id):
    group = group_for_staff(group_id)
    others = [g for g in my_groups() if g.id != group.id]
    form = move_form(others)
    if not form.validate_on_submit():
        abort(400)
    enrolment = waiting_enrolment(group, form.enrolment_id.data)
    target = group_for_staff(form.group_id.data)
    try:
        places.move_to_group(enrolment, target)
        db.session.commit()
        flash(_("Moved to the waiting list of %(group)s.", group=target.name), "success")
    except places.OfferClosed:
        db.session.rollback()
        flash(_("She is already in that group or on its waiting list."), "info")
    return redirect(url_for("waiting_list.show_waiting_list", group_id=group.id))


@bp.route("/groups/<int:group_id>/add-parent", methods=["GET", "POST"])
def add_parent(group_id):
    group = group_for_staff(group_id)
    form = WalkInForm(today=london_today(utcnow()))
    if form.validate_on_submit():
        try:
            enrolment = service.add_walk_in(
                walk_in_answers(form), group, staff_user_id=current_user.id,
                override_reason=clean_lines(form.override_reason.data, 1000))
            db.session.commit()
        except service.NotEligible:
            db.session.rollback()
            form.override_reason.errors.append(_(
                "She is not eligible for this group. To add her anyway, give a reason"))
        except service.MobileTaken:
            db.session.rollback()
            form.mobile.errors.append(_("A parent with this mobile number is already signed up"))
        else:
            return walk_in_added(group, enrolment)
    return render_template("parents/staff/add_parent.html", form=form, group=group)


def walk_in_added(group, enrolment):
    places.announce_place_taken(enrolment)
    db.session.commit()  # her welcome text
    if enrolment.status == EnrolmentStatus.ENROLLED:
        flash(_("%(name)s has been added to the group.", name=enrolment.dyad.parent.name),
              "success")
    else:
        flash(_("The group is full, so %(name)s is on the waiting list.",
                name=enrolment.dyad.parent.name), "info")
    return redirect(url_for("groups.show_group", group_id=group.id))


def walk_in_answers(form):
    born = form.baby_status.data == "born"
    return {
        "name": clean_text(form.name.data, 120), "mobile": form.mobile_e164,
        "postcode": normalise_postcode(form.postcode.data),
        "date_of_birth": form.date_of_birth.data.isoformat() if born else None,
        "due_date": None if born else form.due_date.data.isoformat(),
        "baby_name": clean_text(form.baby_name.data, 120), "language": form.language.data,
        "relationship": form.relationship.data,
        "interpreter_language": clean_text(form.interpreter_language.data, 60),
        "consents": {"sms": form.sms.data == "yes"},
        "heard_from": form.heard_from.data,
    }


def init_app(app):
    app.register_blueprint(bp)
    add_staff_link("waiting_list.list_waiting_lists", _l("Waiting lists"), order=20)
