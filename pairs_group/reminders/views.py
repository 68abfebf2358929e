"""Staff pages for reminder times, and the wiring: commands, signal listeners, message kinds."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pairs_group.auth.login import staff_required
from pairs_group.auth.models import Role
from pairs_group.db import db
from pairs_group.groups.models import Group
from pairs_group.groups.service import session_changed
from pairs_group.navigation import add_staff_link
from pairs_group.reminders import service
from pairs_group.reminders.cli import reminder_commands
from pairs_group.reminders.forms import ROWS, ReminderTimesForm
from pairs_group.sms.inbound import reply_received
from pairs_group.sms.service import quiet_hours

bp = Blueprint("reminders", __name__, url_prefix="/staff/reminders")
STAFF = (Role.ADMIN, Role.FACILITATOR)


def visible_groups():
    groups = db.session.scalars(sa.select(Group).order_by(Group.first_session_at.desc())).all()
    if current_user.role == Role.ADMIN:
        return groups
    return [g for g in groups if current_user in g.facilitators]


@bp.get("/")
@staff_required(*STAFF)
def list_reminder_times():
    stored = service.stored_offsets()
    rows = [(group, service.offsets_for(group.id, stored), group.id in stored)
            for group in visible_groups()]
    hours = quiet_hours()
    quiet = {"start": f"{hours[0]:%H:%M}", "end": f"{hours[1]:%H:%M}"} if hours else None
    return render_template("reminders/list.html", rows=rows, quiet=quiet)


def form_data(offsets):
    data = {}
    for n, offset in enumerate(offsets[:ROWS], start=1):
        data[f"days_{n}"], data[f"at_{n}"] = offset.days_before, offset.at
    return data


@bp.route("/groups/<int:group_id>", methods=["GET", "POST"])
@staff_required(*STAFF)
def edit_reminder_times(group_id):
    group = db.session.get(Group, group_id) or abort(404)
    if current_user.role != Role.ADMIN and current_user not in group.facilitators:
        abort(403)
    # Only a first view starts from the stored times: an empty row posted means "no reminder".
    shown = form_data(service.offsets_for(group.id)) if request.method == "GET" else {}
    form = ReminderTimesForm(data=shown)
    if form.validate_on_submit():
        service.set_offsets(group, form.pairs())
        db.session.commit()
        flash(_("Reminder times saved."), "success")
        return redirect(url_for("reminders.list_reminder_times"))
    return render_template("reminders/edit.html", form=form, group=group)


def init_app(app):
    app.register_blueprint(bp)
    app.cli.add_command(reminder_commands)
    session_changed.connect(service.on_session_changed)
    reply_received.connect(service.on_reply)
    add_staff_link("reminders.list_reminder_times", _l("Reminders"), STAFF, order=62)
