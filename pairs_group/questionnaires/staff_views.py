"""Staff pages: completion per group, reminders, practitioner entry, reopening, safeguarding."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from pairs_group.audit.service import record, record_shown
from pairs_group.db import db, utcnow
from pairs_group.groups.service import sees_every_group
from pairs_group.groups.views import group_for_staff
from pairs_group.navigation import add_staff_link
from pairs_group.parents.models import Enrolment
from pairs_group.questionnaires import (
    answering,
    instruments,
    overview,
    plans,
    scoring,
    service,
)
from pairs_group.questionnaires.blueprint import bp
from pairs_group.questionnaires.forms import ActionForm, PlanForm, entry_form_class
from pairs_group.questionnaires.models import QuestionnaireResponse, SafeguardingFlag
from pairs_group.times import london_today

PREFIX = "/staff/questionnaires"


def enrolment_in(group, dyad_id):
    enrolment = db.session.query(Enrolment).filter_by(group_id=group.id, dyad_id=dyad_id).first()
    return enrolment or abort(404)


@bp.get(PREFIX + "/")
def staff_index():
    groups = overview.groups_for(current_user)
    flags = scoring.open_flags(None if sees_every_group(current_user) else [g.id for g in groups])
    asked = overview.help_requests(groups)
    page = render_template("questionnaires/staff_index.html", groups=groups, flags=flags,
                           asked=asked, form=ActionForm())
    if flags or asked:  # each flag and each request names the parent
        record_shown("questionnaires.view_flags", dyad_ids=sorted(
            {f.dyad_id for f in flags} | {enrolment.dyad_id for enrolment, _r in asked}))
    return page


@bp.get(PREFIX + "/groups/<int:group_id>")
def show_group(group_id):
    group = group_for_staff(group_id)
    plan, rows = overview.completion_overview(group)
    flags = scoring.open_flags([group.id])
    page = render_template("questionnaires/staff_group.html", group=group, plan=plan, rows=rows,
                           flags=flags, form=ActionForm(), now=utcnow())
    if rows or flags:
        record_shown("questionnaires.view_group", group, dyad_ids=sorted(
            {row["dyad"].id for row in rows} | {f.dyad_id for f in flags}))
    return page


@bp.post(PREFIX + "/groups/<int:group_id>/dyads/<int:dyad_id>/<timepoint>/remind")
def send_reminder(group_id, dyad_id, timepoint):
    group = group_for_staff(group_id)
    enrolment = enrolment_in(group, dyad_id)
    if timepoint not in ("pre", "post") or not ActionForm().validate_on_submit():
        abort(400)
    service.send_reminder_now(enrolment, timepoint, current_user, london_today(utcnow()))
    db.session.commit()
    flash(_("A reminder text is on its way to %(name)s.", name=enrolment.dyad.parent.name))
    return redirect(url_for(".show_group", group_id=group.id))


@bp.route(PREFIX + "/groups/<int:group_id>/dyads/<int:dyad_id>/<instrument_id>/<timepoint>",
                methods=["GET", "POST"])
def enter_scores(group_id, dyad_id, instrument_id, timepoint):
    """Enter a rating or a paper form (LOAF, ASQ:SE-2, MORS-SF), or see a parent's answers."""
    group = group_for_staff(group_id)
    enrolment = enrolment_in(group, dyad_id)
    instrument = instruments.get(instrument_id)
    if instrument is None or timepoint not in ("pre", "post"):
        abort(404)
    response = answering.find_response(dyad_id, instrument_id, timepoint)
    # The page names her, and shows her answers once there are some.
    record("questionnaires.view", response or enrolment, instrument=instrument_id,
           timepoint=timepoint)
    form = entry_form_class(instrument)(obj=None, data=saved_data(response) or {
        "rater": current_user.name, "assessed_on": london_today(utcnow())})
    if response is None or not response.is_submitted:
        if instrument.parent_can_answer and request.method == "POST":
            abort(400)  # parents answer this one on their phones
        if form.validate_on_submit() and entry_is_complete(instrument, form):
            return save_entry(group, enrolment, instrument, timepoint, form)
    db.session.commit()
    return render_template("questionnaires/staff_entry.html", group=group, dyad=enrolment.dyad,
                           instrument=instrument, timepoint=timepoint, response=response,
                           form=form, action_form=ActionForm(),
                           answers=answering.answers_of(response) if response else {})


def saved_data(response):
    if response is None:
        return {}
    data = {instruments.FIELD_PREFIX + k: v for k, v in answering.answers_of(response).items()}
    return {**data, "rater": response.rater, "assessed_on": response.assessed_on}


def entry_answers(instrument, form):
    """{item id: value or None} from the entry form's item fields."""
    return {item.id: form[item.field_name].data
            for item in instrument.items if item.field_name in form}


def entry_is_complete(instrument, form):
    """The instrument's completeness rule (paper MORS: all items or the total), said on the
    total's field."""
    missing = instruments.missing_totals(instrument, entry_answers(instrument, form))
    for total in missing:
        form[instruments.FIELD_PREFIX + total].errors.append(_(
            "Enter every item answer for this scale, or its total from the paper form"))
    return not missing


def save_entry(group, enrolment, instrument, timepoint, form):
    answers = entry_answers(instrument, form)
    try:
        scoring.enter_for_dyad(enrolment.dyad, instrument, timepoint, answers, current_user,
                               form.rater.data.strip(), form.assessed_on.data)
        db.session.commit()
    except (answering.Locked, instruments.AnswerError):
        db.session.rollback()
        abort(409)
    flash(_("Saved: %(instrument)s for %(name)s.",
            instrument=instrument.text(instrument.title, "en"), name=enrolment.dyad.parent.name))
    return redirect(url_for(".show_group", group_id=group.id))


@bp.post(PREFIX + "/responses/<int:response_id>/reopen")
def reopen_response(response_id):
    response = db.session.get(QuestionnaireResponse, response_id) or abort(404)
    group = group_of(response)
    if not ActionForm().validate_on_submit():
        abort(400)
    scoring.reopen(response)
    db.session.commit()
    flash(_("The answers are open again. Submit them again when they are right."))
    return redirect(url_for(".enter_scores", group_id=group.id, dyad_id=response.dyad_id,
                            instrument_id=response.instrument_id, timepoint=response.timepoint))


def group_of(response):
    """The group of this response's dyad that this member of staff may see."""
    for enrolment in response.dyad.enrolments:
        group = enrolment.group
        if group.is_run_by(current_user):
            return group
    abort(403)


@bp.post(PREFIX + "/flags/<int:flag_id>/acknowledge")
def acknowledge_flag(flag_id):
    flag = db.session.get(SafeguardingFlag, flag_id) or abort(404)
    group = group_of(db.session.get(QuestionnaireResponse, flag.response_id))
    if not ActionForm().validate_on_submit():
        abort(400)
    scoring.acknowledge_flag(flag, current_user)
    db.session.commit()
    flash(_("Marked as seen. Follow your safeguarding procedure."))
    return redirect(url_for(".show_group", group_id=group.id))


@bp.route(PREFIX + "/groups/<int:group_id>/plan", methods=["GET", "POST"])
def edit_plan(group_id):
    group = group_for_staff(group_id)
    choices = [SelectChoice(i.id, i.title_markup("en", full=True))
               for i in instruments.registry().values() if instruments.is_enabled(i)]
    plan = plans.group_plan(group)
    form = PlanForm(data={"pre": plan["pre"], "post": plan["post"]})
    form.pre.choices = form.post.choices = choices
    if form.validate_on_submit():
        plans.set_group_plan(group, {"pre": form.pre.data, "post": form.post.data})
        db.session.commit()
        flash(_("The questionnaires for this group are saved."))
        return redirect(url_for(".show_group", group_id=group.id))
    return render_template("questionnaires/staff_plan.html", group=group, form=form)


def init_app(app):
    add_staff_link("questionnaires.staff_index", _l("Questionnaires"), order=40)


@bp.get(PREFIX + "/groups/<int:group_id>/dyads/<int:dyad_id>/loaf")
def practitioner_entry(group_id, dyad_id):
    """The register's "LOAF rating" link: before the last session it is the pre rating."""
    group = group_for_staff(group_id)
    enrolment_in(group, dyad_id)
    sessions = plans.running_sessions(group)
    after = bool(sessions) and utcnow() >= sessions[-1].starts_at
    return redirect(url_for(".enter_scores", group_id=group.id, dyad_id=dyad_id,
                            instrument_id="loaf", timepoint="post" if after else "pre"))
