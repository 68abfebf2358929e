"""Staff pages for groups: list, create, change one session; admins edit groups and venues
(groups/edit_views.py)."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from pairs_group.auth.models import Role, StaffUser
from pairs_group.db import db, utcnow
from pairs_group.groups import service
from pairs_group.groups.forms import (
    CancelSessionForm,
    GroupForm,
    MoveSessionForm,
    VenueForm,
    note_fits,
)
from pairs_group.groups.models import Group, GroupSession, Venue
from pairs_group.navigation import add_staff_link
from pairs_group.times import in_london, london_moment

bp = Blueprint("groups", __name__, url_prefix="/staff/groups")


def facilitators():
    return db.session.scalars(
        sa.select(StaffUser).where(StaffUser.active, StaffUser.role != Role.EVALUATOR)
        .order_by(StaffUser.name)
    ).all()


def group_for_staff(group_id):
    """The group, if this member of staff may see it (facilitators: only their own)."""
    group = db.session.get(Group, group_id) or abort(404)
    if not group.is_run_by(current_user):
        abort(403)
    return group


def session_for_staff(group_id, session_id):
    group = group_for_staff(group_id)
    session = db.session.get(GroupSession, session_id)
    if session is None or session.group_id != group.id:
        abort(404)
    return group, session


@bp.get("/")
def list_groups():
    groups = db.session.scalars(service.visible_groups(current_user)
                                .order_by(Group.first_session_at.desc())).all()
    return render_template("groups/list.html", groups=groups)


@bp.route("/new", methods=["GET", "POST"])
def new_group():
    form = GroupForm(venues=service.list_venues(), facilitators=facilitators())
    if form.validate_on_submit():
        chosen = [u for u in facilitators() if u.id in form.facilitator_ids.data]
        group = service.create_group(
            name=form.name.data, venue=db.session.get(Venue, form.venue_id.data),
            first_day=form.first_day.data, start_time=form.start_time.data,
            session_count=form.session_count.data, duration_minutes=form.duration_minutes.data,
            capacity=form.capacity.data, languages=form.languages.data, facilitators=chosen,
            postcode_areas=form.postcode_areas.data or "",
            min_baby_age_weeks=form.min_baby_age_weeks.data,
            max_baby_age_weeks=form.max_baby_age_weeks.data,
            accepts_pregnant=form.accepts_pregnant.data,
        )
        db.session.commit()
        flash(ngettext("Group created with %(num)d session.",
                       "Group created with %(num)d sessions.", len(group.sessions)), "success")
        return redirect(url_for("groups.show_group", group_id=group.id))
    return render_template("groups/new.html", form=form)


@bp.route("/venues/new", methods=["GET", "POST"])
def new_venue():
    form = VenueForm()
    if form.validate_on_submit():
        venue = Venue()
        form.populate_obj(venue)
        db.session.add(venue)
        db.session.commit()
        flash(_("Venue added."), "success")
        return redirect(url_for("groups.new_group"))
    return render_template("groups/new_venue.html", form=form)


@bp.get("/<int:group_id>")
def show_group(group_id):
    group = group_for_staff(group_id)
    return render_template("groups/show.html", group=group,
                           bank_holidays=service.bank_holiday_sessions(group.sessions, utcnow()))


@bp.route("/<int:group_id>/sessions/<int:session_id>/move", methods=["GET", "POST"])
def move_session(group_id, session_id):
    group, session = session_for_staff(group_id, session_id)
    local = in_london(session.starts_at)
    form = MoveSessionForm(venues=service.list_venues(), data={"day": local.date(),
                                                               "at": local.time()})
    if form.validate_on_submit() and move_note_fits(form, session):
        venue = db.session.get(Venue, form.venue_id.data) if form.venue_id.data else None
        service.move_session(session, form.day.data, form.at.data, venue, form.note.data or "")
        db.session.commit()
        flash(_("Session moved. Parents will be told."), "success")
        return redirect(url_for("groups.show_group", group_id=group.id))
    return render_template("groups/move_session.html", form=form, group=group, session=session)


def move_note_fits(form, session):
    """The note fits in the texts that will tell parents the new date, time and place."""
    venue = db.session.get(Venue, form.venue_id.data) if form.venue_id.data else None
    return note_fits(form.note, service.room_for_note(
        session, "moved", form.note.data, starts_at=london_moment(form.day.data, form.at.data),
        venue=venue or session.group.venue))


@bp.route("/<int:group_id>/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
def cancel_session(group_id, session_id):
    group, session = session_for_staff(group_id, session_id)
    form = CancelSessionForm()
    if form.validate_on_submit() and note_fits(
            form.note, service.room_for_note(session, "cancelled", form.note.data)):
        service.cancel_session(session, form.note.data or "")
        db.session.commit()
        flash(_("Session cancelled. Parents will be told."), "success")
        return redirect(url_for("groups.show_group", group_id=group.id))
    return render_template("groups/cancel_session.html", form=form, group=group, session=session)


def init_app(app):
    from pairs_group.groups import edit_views  # noqa: F401 (its pages are on this blueprint)

    app.register_blueprint(bp)
    add_staff_link("groups.list_groups", _l("Groups"), order=10)
