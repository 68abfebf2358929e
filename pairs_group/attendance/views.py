"""Staff pages for registers: today's sessions, the register itself, and correcting one mark."""

from pathlib import Path

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from pairs_group.attendance import service
from pairs_group.attendance.display import row_words
from pairs_group.attendance.forms import (
    STATUS_LABELS,
    ChangeAttendanceForm,
    RegisterForm,
    changed_lines,
    lines_from_rows,
    named_enrolment_ids,
    parse_version,
    read_lines,
    saved_message,
)
from pairs_group.audit import service as audit
from pairs_group.audit.service import record
from pairs_group.db import db, kept_after_commit, statement_by_statement, utcnow
from pairs_group.groups.edits import group_edit_asked
from pairs_group.groups.models import Group, GroupSession, names_facilitator, runs_group
from pairs_group.groups.service import falls_on_bank_holiday, session_changed
from pairs_group.i18n import translated
from pairs_group.kept import forget_when_written
from pairs_group.navigation import add_staff_link, register_notes
from pairs_group.parents.models import Enrolment
from pairs_group.parents.places import place_given
from pairs_group.times import london_today

bp = Blueprint("attendance", __name__, url_prefix="/staff")

LOAF_ENTRY = "questionnaires.practitioner_entry"  # the practitioner's LOAF rating page
# The header that tells the register's service worker it may keep this page for the day named.
OFFLINE_DAY_HEADER = "Pairs-Offline-Day"


# The session a register is saved at (or one mark changed at) with its group and venue, and
# whether the member of staff is named on the group: one statement, not four. Built once, the
# ids parameters: db.session.get with these options built them and their cache key again on
# every register, a third of what reading the session cost. Her being named is asked in SQL,
# not by loading the group's facilitators: SQLite ran that join for every group first.
REGISTER_SESSION = (
    sa.select(GroupSession, names_facilitator(GroupSession.group_id, sa.bindparam("staff_id")))
    .options(joinedload(GroupSession.group).joinedload(Group.venue),
             joinedload(GroupSession.venue_override))
    .where(GroupSession.id == sa.bindparam("session_id")))


def session_for_register(session_id):
    """The session, if this member of staff may take its register (403 otherwise), as an object
    to mark at (the register's page reads it as plain values: service.read_register)."""
    session, named = db.session.execute(
        REGISTER_SESSION, {"session_id": session_id, "staff_id": current_user.id}).first() \
        or abort(404)
    if not session.group.is_run_by(current_user, named):
        abort(403)
    return session


def enrolment_for_register(session, enrolment_id):
    enrolment = db.session.get(Enrolment, enrolment_id) or abort(404)
    if enrolment.group_id != session.group_id:
        abort(403)
    return enrolment


@bp.get("/today")
def show_today():
    sessions = service.todays_sessions(current_user, utcnow())
    registers = {s.id: service.register_for(s) for s in sessions}
    return render_template(
        "attendance/today.html", sessions=sessions,
        bank_holidays=[s for s in sessions if falls_on_bank_holiday(s)],
        totals={key: len(rows) for key, rows in registers.items()},
        marked={key: sum(1 for r in rows if r.status) for key, rows in registers.items()},
    )


@bp.get("/sessions/<int:session_id>/register")
def show_register(session_id):
    # The session, who may take it and its families: one statement, plain values.
    session, named, families = service.read_register(session_id, current_user.id) or abort(404)
    if not runs_group(current_user, named):
        abort(403)
    running = service.running_sessions(session)
    rows = service.register_for(session, running, families)
    page = render_register(session, RegisterForm(), lines_from_rows(rows), running)
    # Written once the page is made, in a transaction of its own: on SQLite the INSERT takes
    # the write lock, which every other page's write would wait for through the render.
    audit.insert("attendance.view_register", session,
                 enrolment_ids=[r.family.id for r in rows])
    with kept_after_commit():  # the page is made: expiring its ~130 rows would be work wasted
        db.session.commit()
    return page


@bp.post("/sessions/<int:session_id>/register")
def save_register(session_id):
    session = session_for_register(session_id)
    if session.is_cancelled:
        flash(_("This session was cancelled, so everyone is marked cancelled by us."), "info")
        return redirect(url_for("attendance.show_register", session_id=session.id))
    if service.enrolments_outside(session, named_enrolment_ids(request.form)):
        abort(403)  # another group's families: tampering, never a slip
    running = service.running_sessions(session)
    rows = service.register_for(session, running)
    form = RegisterForm()
    lines = read_lines(form, request.form, session, rows)
    if not form.validate_on_submit() or form.row_errors:
        return render_register(session, form, lines, running, status=400)
    conflicts = save_lines(session, changed_lines(lines))
    db.session.commit()
    if conflicts:
        return render_register(session, form, lines_after_conflict(session, conflicts, running),
                               running, conflicts=conflicts, status=409)
    flash(saved_message(lines), "success")
    return redirect(url_for("attendance.show_register", session_id=session.id))


def save_lines(session, lines):
    """Save each changed row; the rows someone else changed meanwhile come back as conflicts."""
    conflicts = {}
    for line in lines:
        try:
            service.mark_attendance(session, line.row.family, line.chosen, current_user,
                                    line.version)
        except service.StaleAttendance as stale:
            conflicts[line.key] = (line.chosen, stale.current)
    return conflicts


def lines_after_conflict(session, conflicts, running):
    """Fresh rows; where she was overtaken, her choice stays ticked over the newer version."""
    lines = lines_from_rows(service.register_for(session, running))
    for line in lines:
        if line.key in conflicts:
            line.chosen, line.conflict = conflicts[line.key][0], line.row.attendance
    return lines


def render_register(session, form, lines, running, conflicts=None, status=200):
    """The register page; `running`: the group's sessions still on, read once for the page
    (who is new this week, whose questionnaire is open)."""
    offline_day = day_kept_offline(session)
    labels = translated(STATUS_LABELS)
    page = render_template(
        "attendance/register.html", session=session, group=session.group, form=form,
        lines=lines, conflicts=conflicts or {}, labels=labels,
        words=row_words(session, lines, labels, LOAF_ENTRY),
        choices=service.REGISTER_CHOICES, offline=bool(offline_day),
        started=service.has_started(session),
        notes=register_notes(session, [line.row.family for line in lines], running),
    )
    return page, status, {OFFLINE_DAY_HEADER: offline_day} if offline_day else {}


def day_kept_offline(session):
    """Today's London date if this is one of today's registers, which a phone may keep for the
    day; None for any other day's (they hold parents' names and are not needed in a basement)."""
    today = london_today(utcnow())
    return today.isoformat() if london_today(session.starts_at) == today else None


@bp.get("/sessions/register-worker.js")
def serve_register_worker():
    """The service worker, served from here so that its scope is /staff/sessions/ (registers
    only), not /static/."""
    script = Path(current_app.static_folder, "js", "register-worker.js").read_bytes()
    return Response(script, mimetype="text/javascript")


@bp.route("/sessions/<int:session_id>/register/<int:enrolment_id>", methods=["GET", "POST"])
def change_attendance(session_id, enrolment_id):
    session = session_for_register(session_id)
    enrolment = enrolment_for_register(session, enrolment_id)
    mark = service.current_mark(session, enrolment)
    form = ChangeAttendanceForm(data={"status": mark.status.value if mark else None,
                                      "version": mark.version if mark else 0},
                                session=session, name=enrolment.dyad.parent.name)
    conflict = False
    if form.validate_on_submit():
        try:
            service.mark_attendance(session, enrolment, form.status.data, current_user,
                                    parse_version(form.version.data), form.reason.data or "")
            db.session.commit()
            flash(_("Saved. The change is recorded with your name."), "success")
            return redirect(url_for("attendance.show_register", session_id=session.id))
        except service.StaleAttendance as error:
            conflict = True
            form.version.data = str(error.current.version if error.current else 0)
    return render_change(session, enrolment, form, conflict)


def render_change(session, enrolment, form, conflict):
    mark = service.current_mark(session, enrolment)
    events = service.history_of(mark)
    record("attendance.view", mark or enrolment, session_id=session.id,
           enrolment_id=enrolment.id)
    db.session.commit()
    return render_template(
        "attendance/change.html", session=session, group=session.group, enrolment=enrolment,
        mark=mark, form=form, conflict=conflict, events=events, names=service.actor_names(events),
        labels=STATUS_LABELS,
    ), 409 if conflict else (400 if form.errors else 200)


def init_app(app):
    app.register_blueprint(bp)
    statement_by_statement(app, "attendance.show_register")  # reads, then its read-audit
    forget_when_written(app, service.RUNNING, GroupSession)
    session_changed.connect(service.on_session_changed)
    place_given.connect(service.on_place_given)
    group_edit_asked.connect(service.on_group_edit_asked)
    add_staff_link("attendance.show_today", _l("Today"), order=5)
