"""Answered with help: a facilitator goes through her questionnaire with her, on the staff
member's phone or tablet, through her own pages' forms, and her response says so."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from pairs_group.audit.service import record_shown
from pairs_group.db import db
from pairs_group.groups.views import group_for_staff
from pairs_group.i18n import LANGUAGES, current_language
from pairs_group.navigation import add_register_notes
from pairs_group.questionnaires import answering, instruments, plans, scoring
from pairs_group.questionnaires.blueprint import bp
from pairs_group.questionnaires.forms import HELP_KINDS, AnswersForm, HelpForm
from pairs_group.questionnaires.staff_views import PREFIX, enrolment_in
from pairs_group.questionnaires.views import (
    TIMEPOINTS,
    answer_args,
    answer_section,
    render_review,
    section_url,
    shown_response,
    task_args,
)

WITH_HELP = (PREFIX + "/groups/<int:group_id>/dyads/<int:dyad_id>/<instrument_id>/<timepoint>"
             "/with-help")


def load_task(group_id, dyad_id, instrument_id, timepoint):
    """(group, parent, task) for a group this member of staff runs, while the questionnaire is
    open and not sent; 403 for another's group, 404 otherwise."""
    group = group_for_staff(group_id)
    enrolment = enrolment_in(group, dyad_id)
    if timepoint not in TIMEPOINTS:
        abort(404)
    try:
        task = plans.task_with_help(enrolment, instrument_id, timepoint)
    except plans.NotAllowed:
        abort(404)
    return group, enrolment.dyad.parent, task


def helped_task(group_id, dyad_id, instrument_id, timepoint):
    """As load_task, for the pages after the first step: her response must be answered with
    help already (else the first step, which asks the language and who helps)."""
    group, parent, task = load_task(group_id, dyad_id, instrument_id, timepoint)
    if task.response is None or not task.response.assisted:
        abort(redirect(url_for("questionnaires.start_with_help", **pages_args(group, task))))
    return group, parent, task


def pages_args(group, task):
    return {"group_id": group.id, **task_args(task)}


def helped_pages(group, parent, task):
    """Her section and review pages, led here; a note says whose answers these are."""
    response = task.response
    return {"layout": "staff_base.html", "args": pages_args(group, task),
            "about": "questionnaires.start_with_help",
            "section": "questionnaires.section_with_help",
            "review": "questionnaires.review_with_help",
            "submit": "questionnaires.submit_with_help", "autosave": None,
            "after_save": url_for("questionnaires.show_group", group_id=group.id),
            "saved": _l("Her answers are saved. You can carry on from the register."),
            "helping": {
                "name": parent.name, "language": language_name(response.help_language),
                "code": response.help_language if response.help_language in LANGUAGES else "",
                "helper": HELP_KINDS[response.help_kind]}}


def language_name(code):
    """The spoken language's name (a code of ours), or the name as typed."""
    return LANGUAGES[code].native_name if code in LANGUAGES else code


@bp.route(WITH_HELP + "/", methods=["GET", "POST"])
def start_with_help(group_id, dyad_id, instrument_id, timepoint):
    """The first step: the language spoken and who helps; then her first page not done."""
    group, parent, task = load_task(group_id, dyad_id, instrument_id, timepoint)
    response = task.response
    form = HelpForm(data=saved_help(response) if response and response.assisted else None)
    if form.validate_on_submit():
        response = answering.answer_with_help(task, parent.language, current_user,
                                              form.spoken(), form.helper.data)
        db.session.commit()
        return redirect(section_url(task, response.current_section,
                                    helped_pages(group, parent, task)))
    return shown(render_template("questionnaires/with_help.html", group=group, parent=parent,
                                 task=task, form=form), task, section="start", parent=parent)


def saved_help(response):
    ours = response.help_language in LANGUAGES
    return {"language": response.help_language if ours else "other",
            "other_language": "" if ours else response.help_language,
            "helper": str(response.help_kind)}


@bp.route(WITH_HELP + "/section/<int:number>", methods=["GET", "POST"])
def section_with_help(group_id, dyad_id, instrument_id, timepoint, number):
    """Her page of questions (SectionForm, as on her phone), answered together."""
    group, parent, task = helped_task(group_id, dyad_id, instrument_id, timepoint)
    page = answer_section(task, number, parent.language, task.response,
                          helped_pages(group, parent, task))
    return shown(page, task, section=number) if request.method == "GET" else page


@bp.get(WITH_HELP + "/review")
def review_with_help(group_id, dyad_id, instrument_id, timepoint):
    group, parent, task = helped_task(group_id, dyad_id, instrument_id, timepoint)
    return shown(render_review(task, shown_response(parent, task), AnswersForm(),
                               helped_pages(group, parent, task)), task, section="review")


def shown(page, task, parent=None, **details):
    """The page, once the read-audit says whose answers (or, before any, whose name) this member
    of staff was shown."""
    record_shown("questionnaires.view_with_help", task.response or parent,
                 instrument=task.instrument.id, timepoint=str(task.timepoint), **details)
    return page


@bp.post(WITH_HELP + "/submit")
def submit_with_help(group_id, dyad_id, instrument_id, timepoint):
    group, parent, task = helped_task(group_id, dyad_id, instrument_id, timepoint)
    form = AnswersForm()
    pages = helped_pages(group, parent, task)
    if not form.validate_on_submit():
        return render_review(task, task.response, form, pages), 400
    try:
        scoring.submit_with_help(task.response)
        db.session.commit()
    except instruments.AnswerError:
        db.session.rollback()
        form.item_errors.append(("missing", _("Please answer every question before you send.")))
        return render_review(task, task.response, form, pages), 400
    except (answering.Locked, IntegrityError):
        db.session.rollback()
    flash(_("Her answers are sent, recorded as answered with help."), "success")
    return redirect(url_for("questionnaires.show_group", group_id=group.id))


def register_notes(session, families, running):
    """On the register: who would like help, and a link to answer each open questionnaire
    with her (`families`: the register's, as attendance.service.Family; `running`: its group's
    sessions still on)."""
    due = plans.due_for_help(session.group, families, sessions=running)
    return {family.id: notes_for(session.group, family, due[family.id])
            for family in families if due[family.id]}


def notes_for(group, family, due):
    """`due`: (instrument, timepoint, whether she asked for help) she could answer now."""
    asked = [{"text": _("%(name)s would like help with the questionnaire", name=family.name),
              "url": None} for _i, _tp, asked_for_help in due if asked_for_help]
    return asked[:1] + [
        {"text": _("Answer the questionnaire with her: %(title)s",
                   title=instrument.title_in(current_language().code)),
         "url": url_for("questionnaires.start_with_help", group_id=group.id,
                        **answer_args(family.dyad_id, instrument, timepoint))}
        for instrument, timepoint, _asked in due]


def init_app(app):
    add_register_notes(register_notes)
