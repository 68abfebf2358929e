"""Admins' pages to change a group or a venue. A group's change is said in words on a page of
its own (no JavaScript needed) before it is saved; a save over someone else's is refused."""

from datetime import date, time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_time
from flask_babel import gettext as _

from pairs_group.auth.models import StaffUser
from pairs_group.db import db
from pairs_group.groups import edits, service
from pairs_group.groups.edits import EditClash, GroupChange, ScheduleRefused
from pairs_group.groups.forms import EditGroupForm, EditVenueForm, seen_version
from pairs_group.groups.models import Group, Venue
from pairs_group.groups.views import bp, facilitators
from pairs_group.i18n import LANGUAGES


def clash_message():
    return _("Someone else saved a change to this while you were editing. Check what is shown "
             "now, then save again.")


@bp.route("/<int:group_id>/edit", methods=["GET", "POST"])
def edit_group(group_id):
    group = db.session.get(Group, group_id) or abort(404)
    form = group_form(group)
    if not form.validate_on_submit() or request.form.get("action") == "change":
        return render_template("groups/edit.html", form=form, group=group)
    change = change_from(form, group)
    try:
        edits.check_version(group, seen_version(form.version))
        plan = edits.plan_sessions(group, change)
    except (EditClash, ScheduleRefused) as refusal:
        return refused(form, group, refusal)
    differences = GroupChange.of(group).differences(change)
    if not differences:
        flash(_("Nothing has changed."), "info")
        return redirect(url_for("groups.show_group", group_id=group.id))
    if request.form.get("action") != "save":
        return render_template("groups/edit_confirm.html", form=form, group=group,
                               changes=describe(form, differences),
                               effects=edits.effects(group, change, plan))
    return save_group(form, group, change)


def group_form(group):
    """The create form's fields, filled in from the group; a facilitator no longer active can
    still be seen (and kept) on a group she runs."""
    people = facilitators()
    people += [u for u in group.facilitators if u not in people]
    now = GroupChange.of(group)
    return EditGroupForm(venues=service.list_venues(), facilitators=people, data={
        "name": now.name, "venue_id": group.venue_id, "first_day": now.first_day,
        "start_time": now.start_time, "session_count": now.session_count,
        "duration_minutes": now.duration_minutes, "capacity": now.capacity,
        "languages": now.languages, "facilitator_ids": [u.id for u in now.facilitators],
        "postcode_areas": now.postcode_areas, "min_baby_age_weeks": now.min_baby_age_weeks,
        "max_baby_age_weeks": now.max_baby_age_weeks, "accepts_pregnant": now.accepts_pregnant,
        "version": str(group.version)})


def change_from(form, group):
    people = {u.id: u for u in facilitators() + list(group.facilitators)}
    return GroupChange(
        name=form.name.data, venue=db.session.get(Venue, form.venue_id.data),
        first_day=form.first_day.data, start_time=form.start_time.data,
        session_count=form.session_count.data, duration_minutes=form.duration_minutes.data,
        capacity=form.capacity.data, languages=list(form.languages.data),
        facilitators=[people[i] for i in form.facilitator_ids.data if i in people],
        postcode_areas=form.postcode_areas.data or "",
        min_baby_age_weeks=form.min_baby_age_weeks.data,
        max_baby_age_weeks=form.max_baby_age_weeks.data,
        accepts_pregnant=form.accepts_pregnant.data)


def save_group(form, group, change):
    try:
        edits.edit_group(group, change, seen_version(form.version))
    except (EditClash, ScheduleRefused) as refusal:
        db.session.rollback()
        return refused(form, db.session.get(Group, group.id), refusal)
    db.session.commit()
    flash(_("Group saved."), "success")
    return redirect(url_for("groups.show_group", group_id=group.id))


def refused(form, group, refusal):
    """The edit page again, what she typed kept: a clash names the newer version (her next
    save is over what she has now seen), a refused schedule is said on the first day."""
    if isinstance(refusal, EditClash):
        form.version.data = str(group.version)
        form.version.errors = [clash_message()]
    else:
        form.first_day.errors = [*form.first_day.errors, str(refusal)]
    return render_template("groups/edit.html", form=form, group=group)


def describe(form, differences):
    """(label, before, after) for each changed field, as the admin reads them."""
    return [(form[FORM_FIELD.get(name, name)].label.text, shown(old), shown(new))
            for name, (old, new) in differences.items()]


FORM_FIELD = {"venue": "venue_id", "facilitators": "facilitator_ids"}


def shown(value):
    if value is None or value == "" or value == []:
        return _("Not set")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, date):
        return format_date(value, "medium")
    if isinstance(value, time):
        return format_time(value, "short")
    if isinstance(value, Venue):
        return value.name
    if isinstance(value, list):
        return ", ".join(shown_item(item) for item in value)
    return str(value)


def shown_item(item):
    """A facilitator (by id) or a language code, by name."""
    if isinstance(item, int):
        user = db.session.get(StaffUser, item)
        return user.name or user.email
    return LANGUAGES[item].native_name if item in LANGUAGES else item


@bp.route("/venues/<int:venue_id>/edit", methods=["GET", "POST"])
def edit_venue(venue_id):
    venue = db.session.get(Venue, venue_id) or abort(404)
    form = EditVenueForm(obj=venue)
    if form.validate_on_submit():
        values = {name: form[name].data or "" for name in edits.VENUE_FIELDS}
        try:
            edits.edit_venue(venue, values, seen_version(form.version))
        except EditClash:
            db.session.rollback()
            venue = db.session.get(Venue, venue_id)
            form.version.data, form.version.errors = str(venue.version), [clash_message()]
        else:
            db.session.commit()
            flash(_("Venue saved."), "success")
            return redirect(url_for("groups.edit_venue", venue_id=venue.id))
    return render_template("groups/edit_venue.html", form=form, venue=venue,
                           groups=edits.groups_at(venue))
