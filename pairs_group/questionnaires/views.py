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
from sqlalchemy.exc import IntegrityError

from pairs_group.auth import links
from pairs_group.auth.parents import current_parent, parent_or_sign_in
from pairs_group.db import db
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
from pairs_group.questionnaires.forms import AnswersForm

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


def ensure_response(parent, task):
    """Her response, started (flushed) on her first Start, answer or Send; the view commits."""
    if task.response is None:
        task.response = answering.start_response(task.dyad, task.instrument, task.timepoint,
                                               parent.language)
    return task.response


def shown_response(parent, task):
    """Her response to show on a page she opens (a GET stores nothing): unsaved if not begun."""
    return task.response or answering.unsaved_response(task.dyad, task.instrument,
                                                       task.timepoint, parent.language)


def task_args(task):
    return {"dyad_id": task.dyad.id, "instrument_id": task.instrument.id,
            "timepoint": str(task.timepoint)}


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
        response = ensure_response(parent, task)
        db.session.commit()
        number = min(response.current_section, len(task.instrument.sections()))
        return redirect(section_url(task, number))
    return render_template("questionnaires/about.html", task=task, form=form)


def section_url(task, number):
    if number >= len(task.instrument.sections()):
        return url_for("questionnaires.review", **task_args(task))
    return url_for("questionnaires.section", number=number + 1, **task_args(task))


@bp.route("/questionnaires/<int:dyad_id>/<instrument_id>/<timepoint>/section/<int:number>",
          methods=["GET", "POST"])
def section(dyad_id, instrument_id, timepoint, number):
    parent, task = load_task(dyad_id, instrument_id, timepoint)
    sections = task.instrument.sections()
    if not 1 <= number <= len(sections):
        abort(404)
    form, items = AnswersForm(), sections[number - 1]
    response = (ensure_response if form.is_submitted() else shown_response)(parent, task)
    chosen = answering.answers_of(response)
    if form.validate_on_submit():
        action = request.form.get("action", "next")
        answers = read_answers(form, task.instrument, items, require=action == "next")
        if not form.item_errors:
            target = {"back": number - 2, "save": number - 1}.get(action, number)
            return save_and_go(task, response, answers, max(target, 0), form)
        chosen = {**chosen, **raw_choices(items)}
    return render_template("questionnaires/section.html", task=task, form=form, items=items,
                           number=number, total=len(sections), chosen=chosen,
                           response=response, declined=instruments.DECLINED)


def save_and_go(task, response, answers, target, form):
    try:
        answering.save_answers(response, answers, section=target)
        db.session.commit()
    except (answering.Locked, instruments.AnswerError):
        db.session.rollback()
        abort(404)
    if request.form.get("action") == "save":
        flash(_("Your answers are saved. You can carry on any time from the link in your text."))
        return redirect(url_for("questionnaires.answer"))
    return redirect(section_url(task, target))


def raw_choices(items):
    """What she picked on this page, to show it again next to an error."""
    found = {}
    for item in items:
        raw = request.form.get(item.field_name)
        if raw is not None and item.type == "text":
            found[item.id] = raw
        elif raw is not None:
            found[item.id] = None if raw == instruments.DECLINED else instruments.to_int(raw)
    return found


def read_answers(form, instrument, items, require):
    """{item id: value} from the page; errors go on the form and nothing is kept."""
    allowed = {item.field_name for item in items}
    for key in request.form:
        if key.startswith(instruments.FIELD_PREFIX) and key not in allowed:
            form.item_errors.append((items[0].field_name, _(
                "We did not recognise one of the answers. Nothing was saved. Please try again.")))
            return {}
    answers = {}
    for item in items:
        read_one(form, instrument, item, answers, require)
    return answers


def read_one(form, instrument, item, answers, require):
    try:
        value = instruments.read_answer(item, request.form.get(item.field_name),
                                        instrument.allow_missing)
    except instruments.AnswerError as error:
        form.item_errors.append((item.field_name, page_message(item, error)))
        return
    if value is not instruments.MISSING:
        answers[item.id] = value
    elif require and item.type != "text":
        form.item_errors.append((item.field_name, _("Choose an answer to question %(number)s",
                                                    number=item.id)))


def page_message(item, error):
    if error.reason == error.TOO_LONG:
        return _("Please use %(count)d characters or fewer", count=item.max_length)
    return _("Choose one of the answers shown for question %(number)s", number=item.id)


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
        value = tapped_answer(task.instrument, item, request.form.get("value", ""))
    except instruments.AnswerError:
        return jsonify(ok=False, error=_("That answer is not one of the choices.")), 400
    return store_one(parent, task, item, value)


def tapped_answer(instrument, item, raw):
    """The answer she tapped or typed. An emptied text box is kept as empty text, so what she
    had written goes; an empty choice is not an answer."""
    value = instruments.read_answer(item, raw, instrument.allow_missing)
    if value is instruments.MISSING and item.type == "text":
        return ""
    if value is instruments.MISSING:
        raise instruments.AnswerError(f"item {item.id} needs an answer", item.id)
    return value


def store_one(parent, task, item, value):
    response = ensure_response(parent, task)
    try:
        answering.save_answers(response, {item.id: value})
        db.session.commit()
    except instruments.AnswerError:
        db.session.rollback()
        return jsonify(ok=False, error=_("That answer is not one of the choices.")), 400
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


def render_review(task, response, form):
    return render_template(
        "questionnaires/review.html", task=task, form=form, response=response,
        chosen=answering.answers_of(response), sections=task.instrument.sections(),
        missing=answering.unanswered(response, task.instrument))


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
        scoring.submit(ensure_response(parent, task))
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
    # A followed texted link lands on our list.
    links.register_purpose(app, "questionnaire", "questionnaires.answer", service.LINK_MAX_AGE)
    app.register_blueprint(bp)
    staff_views.init_app(app)
    cli.init_app(app)

