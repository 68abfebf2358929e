"""Pages: a parent answers on her phone; staff enter ratings, follow completion, reopen."""

from flask import (
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from pairs_group.auth import links
from pairs_group.auth.parents import current_parent, parent_or_sign_in
from pairs_group.db import db, statement_by_statement
from pairs_group.parents.models import Dyad
from pairs_group.questionnaires import (
    answering,
    cli,
    instruments,
    plans,
    scoring,
    service,
    staff_views,
    texts,  # noqa: F401 - registers the SMS kinds
)
from pairs_group.questionnaires.blueprint import bp
from pairs_group.questionnaires.forms import AnswersForm, SectionForm

TIMEPOINTS = ("pre", "post")


def load_task(dyad_id, instrument_id, timepoint):
    """Her open task, or a 404 page: another dyad's, unknown, closed or already sent."""
    parent = parent_or_sign_in("questionnaire")
    if timepoint not in TIMEPOINTS:
        abort(404)
    try:
        return parent, plans.task_for(parent, dyad_id, instrument_id, timepoint)
    except plans.NotAllowed:
        if request.method == "GET" and already_sent(parent, dyad_id, instrument_id, timepoint):
            flash(_("You have already sent these answers. Thank you."), "success")
            abort(redirect(url_for("questionnaires.answer")))
        abort(404)


def already_sent(parent, dyad_id, instrument_id, timepoint):
    """Her own answers to this questionnaire were sent: an old link should say so kindly."""
    response = answering.find_response(dyad_id, instrument_id, timepoint)
    return (response is not None and response.is_submitted
            and db.session.get(Dyad, dyad_id).parent_id == parent.id)


def shown_response(parent, task):
    """Her response to show on a page she opens (a GET stores nothing): unsaved if not begun."""
    return task.response or answering.unsaved_response(task.dyad, task.instrument,
                                                       task.timepoint, parent.language)


def task_args(task):
    return answer_args(task.dyad.id, task.instrument, task.timepoint)


def answer_args(dyad_id, instrument, timepoint):
    """A questionnaire's pages' URL arguments, for a dyad's answers at a timepoint."""
    return {"dyad_id": dyad_id, "instrument_id": instrument.id, "timepoint": str(timepoint)}


def her_pages(task):
    """Where her section and review pages lead (answered with help, they lead elsewhere)."""
    return {"layout": "base.html", "args": task_args(task), "about": "questionnaires.about",
            "section": "questionnaires.section", "review": "questionnaires.review",
            "submit": "questionnaires.submit", "autosave": "questionnaires.save_answer",
            "helping": None,
            "after_save": url_for("questionnaires.answer"),
            "saved": _l("Your answers are saved. You can carry on any time from the link in "
                        "your text.")}


# ---------------------------------------------------------------- the parent's pages


@bp.get("/questionnaires/")
def answer():
    """Her open questionnaires (where a texted link lands)."""
    parent = parent_or_sign_in("questionnaire")
    return render_template("questionnaires/list.html", tasks=plans.open_tasks(parent))


@bp.route("/questionnaires/<int:dyad_id>/<instrument_id>/<timepoint>/",
          methods=["GET", "POST"])
def about(dyad_id, instrument_id, timepoint):
    """Why we ask and how answers are used, then Start (or Carry on)."""
    parent, task = load_task(dyad_id, instrument_id, timepoint)
    form = AnswersForm()
    if form.validate_on_submit():
        response = answering.response_for(task, parent.language)
        db.session.commit()
        number = min(response.current_section, len(task.instrument.sections()))
        return redirect(section_url(task, number))
    return render_template("questionnaires/about.html", task=task, form=form)


@bp.post("/questionnaires/<int:dyad_id>/<instrument_id>/<timepoint>/ask-for-help")
def ask_for_help(dyad_id, instrument_id, timepoint):
    """Her "answer with help" (no checked translation in her language): her facilitators see it
    on the register until her answers are sent."""
    parent, task = load_task(dyad_id, instrument_id, timepoint)
    if not AnswersForm().validate_on_submit():
        abort(400)
    answering.ask_for_help(task, parent.language)
    db.session.commit()
    flash(_("We have told your group leader. At a session, they will go through the questions "
            "with you, with someone who speaks your language if you need it. You do not need "
            "to do anything else now."), "success")
    return redirect(url_for("questionnaires.about", **task_args(task)))


def section_url(task, number, pages=None):
    """Page `number` + 1 of her questions, or her answers to check after the last."""
    pages = pages or her_pages(task)
    if number >= len(task.instrument.sections()):
        return url_for(pages["review"], **pages["args"])
    return url_for(pages["section"], number=number + 1, **pages["args"])


@bp.route("/questionnaires/<int:dyad_id>/<instrument_id>/<timepoint>/section/<int:number>",
          methods=["GET", "POST"])
def section(dyad_id, instrument_id, timepoint, number):
    parent, task = load_task(dyad_id, instrument_id, timepoint)
    return answer_section(task, number, parent.language, shown_response(parent, task),
                          her_pages(task))


def answer_section(task, number, language, response, pages):
    """One page of her questions, shown, or saved and on to the next: hers, or answered with
    help (`pages` says where each leads)."""
    sections = task.instrument.sections()
    if not 1 <= number <= len(sections):
        abort(404)
    action = request.form.get("action", "next")
    form = SectionForm(instrument=task.instrument, items=sections[number - 1],
                       require=action == "next")
    if form.validate_on_submit():
        target = max({"back": number - 2, "save": number - 1}.get(action, number), 0)
        return save_and_go(task, language, form.answers, target, pages)
    return render_section(task, form, number, response, pages)


def render_section(task, form, number, response, pages):
    return render_template("questionnaires/section.html", task=task, form=form, items=form.items,
                           number=number, total=len(task.instrument.sections()),
                           chosen={**answering.answers_of(response), **form.chosen},
                           response=response, declined=instruments.DECLINED, pages=pages)


def save_and_go(task, language, answers, target, pages):
    try:
        answering.save_page(task, language, answers, section=target)
        db.session.commit()
    except answering.Locked:
        db.session.rollback()
        abort(404)
    if request.form.get("action") == "save":
        flash(str(pages["saved"]))
        return redirect(pages["after_save"])
    return redirect(section_url(task, target, pages))


@bp.post("/questionnaires/<int:dyad_id>/<instrument_id>/<timepoint>/answer")
def save_answer(dyad_id, instrument_id, timepoint):
    """One tapped answer, saved at once (the page's script calls this; JSON back)."""
    parent = current_parent("questionnaire")
    if parent is None or timepoint not in TIMEPOINTS:
        return jsonify(ok=False, error=_("Please sign in again.")), 401
    try:
        task = plans.task_for(parent, dyad_id, instrument_id, timepoint)
    except plans.NotAllowed:
        return jsonify(ok=False, error=_("We cannot find this questionnaire.")), 404
    item = task.instrument.by_id.get(request.form.get("item", ""))
    if item is None or item.practitioner_only:
        return jsonify(ok=False, error=_("We did not recognise this question.")), 400
    try:
        value = instruments.read_tapped_answer(item, request.form.get("value", ""),
                                               task.instrument.allow_missing)
    except instruments.AnswerError:
        return jsonify(ok=False, error=_("That answer is not one of the choices.")), 400
    return store_one(parent, task, item, value)


def store_one(parent, task, item, value):
    try:
        answering.save_page(task, parent.language, {item.id: value})
        db.session.commit()
    except answering.Locked:
        db.session.rollback()
        return jsonify(ok=False, error=_("This questionnaire has already been sent.")), 409
    except IntegrityError:
        db.session.rollback()
        return jsonify(ok=False, error=_("Please try again.")), 409
    return jsonify(ok=True, item=item.id)


@bp.get("/questionnaires/<int:dyad_id>/<instrument_id>/<timepoint>/review")
def review(dyad_id, instrument_id, timepoint):
    parent, task = load_task(dyad_id, instrument_id, timepoint)
    return render_review(task, shown_response(parent, task), AnswersForm())


def render_review(task, response, form, pages=None):
    return render_template(
        "questionnaires/review.html", task=task, form=form, response=response,
        chosen=answering.answers_of(response), sections=task.instrument.sections(),
        missing=answering.unanswered(response, task.instrument), pages=pages or her_pages(task))


@bp.post("/questionnaires/<int:dyad_id>/<instrument_id>/<timepoint>/submit")
def submit(dyad_id, instrument_id, timepoint):
    parent = parent_or_sign_in("questionnaire")
    form = AnswersForm()
    try:
        task = plans.task_for(parent, dyad_id, instrument_id, timepoint)
    except plans.NotAllowed:
        flash(_("Thank you. We already have your answers."))
        return redirect(url_for("questionnaires.answer"))
    if not form.validate_on_submit():
        return render_review(task, shown_response(parent, task), form), 400
    return finish(parent, task, form)


def finish(parent, task, form):
    try:
        scoring.submit(answering.response_for(task, parent.language))
        db.session.commit()
    except instruments.AnswerError:
        db.session.rollback()  # a response started by this Send goes too
        task.response = answering.find_response(task.dyad.id, task.instrument.id, task.timepoint)
        form.item_errors.append(("missing", _("Please answer every question before you send.")))
        return render_review(task, shown_response(parent, task), form), 400
    except (answering.Locked, IntegrityError):
        db.session.rollback()
    flash(_("Thank you. Your answers have been sent."))
    return redirect(url_for("questionnaires.answer"))


def init_app(app):
    instruments.init_app(app)
    plans.init_app(app)
    statement_by_statement(app, "questionnaires.about")  # its GET; a POST keeps a transaction
    # A followed texted link lands on our list.
    links.register_purpose(app, "questionnaire", "questionnaires.answer", service.LINK_MAX_AGE)
    from pairs_group.questionnaires import assisted_views  # noqa: F401 - its pages use ours

    app.register_blueprint(bp)
    staff_views.init_app(app)
    assisted_views.init_app(app)
    cli.init_app(app)

