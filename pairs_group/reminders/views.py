"""Staff pages for reminder times, and the wiring: commands, signal listeners, message kinds."""

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pairs_group.db import db, utcnow
from pairs_group.groups.models import Group
from pairs_group.groups.service import (
    bank_holidays_ahead,
    note_room_asked,
    session_changed,
    visible_groups,
)
from pairs_group.groups.views import group_for_staff
from pairs_group.navigation import add_staff_link
from pairs_group.reminders import notes, service
from pairs_group.reminders.cli import reminder_commands
from pairs_group.reminders.forms import ROWS, ReminderTimesForm
from pairs_group.sms.inbound import reply_received
from pairs_group.sms.service import quiet_end, quiet_hours

bp = Blueprint("reminders", __name__, url_prefix="/staff/reminders")
LOOK_AHEAD = timedelta(weeks=8)  # a bank holiday further off is on the group's page


@bp.get("/")
def list_reminder_times():
    stored = service.stored_offsets()
    rows = [(group, service.offsets_for(group.id, stored), group.id in stored)
            for group in db.session.scalars(visible_groups(current_user)
                                            .order_by(Group.first_session_at.desc()))]
    hours = quiet_hours()
    quiet = {"start": f"{hours[0]:%H:%M}", "end": f"{hours[1]:%H:%M}"} if hours else None
    return render_template("reminders/list.html", rows=rows, quiet=quiet, quiet_end=quiet_end,
                           bank_holidays=bank_holidays_ahead(current_user, utcnow(), LOOK_AHEAD))



def form_data(offsets):
    data = {}
    for n, offset in enumerate(offsets[:ROWS], start=1):
        data[f"days_{n}"], data[f"at_{n}"] = offset.days_before, offset.at
    return data


@bp.route("/groups/<int:group_id>", methods=["GET", "POST"])
def edit_reminder_times(group_id):
    group = group_for_staff(group_id)
    # Only a first view starts from the stored times: an empty row posted means "no reminder".
    shown = form_data(service.offsets_for(group.id)) if request.method == "GET" else {}
    form = ReminderTimesForm(data=shown)
    if form.validate_on_submit():
        service.set_offsets(group, form.pairs())
        db.session.commit()
        flash(_("Reminder times saved."), "success")
        for at in sorted({quiet_end(at) for _days, at in form.pairs()} - {None}):
            flash(_("A reminder time you chose is in quiet hours: that text waits until %(time)s.",
                    time=f"{at:%H:%M}"), "info")
        return redirect(url_for("reminders.list_reminder_times"))
    return render_template("reminders/edit.html", form=form, group=group)


def init_app(app):
    app.register_blueprint(bp)
    app.cli.add_command(reminder_commands)
    session_changed.connect(service.on_session_changed)
    note_room_asked.connect(notes.note_room)
    reply_received.connect(service.on_reply)
    add_staff_link("reminders.list_reminder_times", _l("Reminders"), order=62)
