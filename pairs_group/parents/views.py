"""The "Join Together Time" pages: eligibility, details, consent, about you, choose a group,
done; and the page a waiting-list offer links to."""

from datetime import date

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pairs_group.db import db, utcnow
from pairs_group.groups.models import Group
from pairs_group.i18n import current_language
from pairs_group.limits import limit_setting, limiter
from pairs_group.parents import cli, places, service
from pairs_group.parents.choices import ETHNIC_GROUPS
from pairs_group.parents.consents import wording, wording_version
from pairs_group.parents.eligibility import normalise_postcode
from pairs_group.parents.forms import (
    AboutYouForm,
    ChooseGroupForm,
    ConsentForm,
    DetailsForm,
    EligibilityForm,
    OfferForm,
    clean_lines,
    clean_text,
)
from pairs_group.parents.models import ConsentKind, Enrolment, OfferStatus, WaitingListOffer
from pairs_group.times import london_today
from pairs_group.tokens import BadToken, read_token

bp = Blueprint("parents", __name__, url_prefix="/join")

SESSION_KEY = "sign_up"
TYPED_KEY = "eligibility_typed"  # her answers when she could not join (her session only)
NOT_ELIGIBLE_REASONS = {
    "area": _l("Together Time groups are for families who live in our area, and your postcode "
               "is not in it."),
    "age": _l("The groups that are open now are for babies of a different age."),
    "pregnant": _l("The groups that are open now are for parents whose baby is already born."),
    "no_groups": _l("There are no groups taking new families right now."),
}

# Each step needs the one before it: (key in the pending answers, the step that fills it).
STEPS = [("postcode", "parents.check_eligibility"), ("name", "parents.your_details"),
         ("consents", "parents.consent"), ("about_you", "parents.about_you")]


def pending_or_restart(needs):
    """Her pending sign-up with every step before this one done, or a redirect to the step."""
    pending = service.find_pending(session.get(SESSION_KEY))
    if pending is None:
        return None, redirect(url_for("parents.check_eligibility", expired=1)
                              if session.get(SESSION_KEY) else
                              url_for("parents.check_eligibility"))
    for key, endpoint in STEPS[:needs]:
        if key not in pending.answers:
            return None, redirect(url_for(endpoint))
    return pending, None


@bp.route("", methods=["GET", "POST"])
def check_eligibility():
    today = london_today(utcnow())
    prefilled = prefilled_sign_up()
    form = EligibilityForm(today=today, data=typed_before() or eligibility_prefill(prefilled))
    if form.validate_on_submit():
        answers = eligibility_answers(form)
        reasons = service.why_not_eligible(answers["postcode"], service.baby_from(answers))
        if reasons:
            session[TYPED_KEY] = what_she_typed(form)
            return redirect(url_for("parents.not_eligible", reason=reasons))
        keep_or_start_sign_up(prefilled, {**answers, "language": current_language().code})
        return redirect(url_for("parents.your_details"))
    return render_template("parents/eligibility.html", form=form, prefilled=bool(prefilled),
                           expired=request.args.get("expired") == "1")


def keep_or_start_sign_up(prefilled, answers):
    """A sign-up begun for her (a referral's) goes on with her answers; else a new one."""
    if prefilled is not None:
        service.update_pending(prefilled, **answers)
        db.session.commit()
        return
    pending = service.start_sign_up(answers)
    db.session.commit()
    session[SESSION_KEY] = pending.reference


def start_prefilled(prefill, **answers):
    """Begin a sign-up filled in from what someone told us about her (the referrals feature
    calls this when she follows her invitation); her pages then show it for her to check."""
    pending = service.start_prefilled_sign_up(prefill, **answers)
    db.session.commit()
    session[SESSION_KEY] = pending.reference
    return redirect(url_for("parents.check_eligibility"))


def prefilled_sign_up():
    """Her pending sign-up if it was begun for her (a referral's), else None."""
    pending = service.find_pending(session.get(SESSION_KEY))
    return pending if pending is not None and "prefill" in pending.answers else None


def eligibility_prefill(pending):
    """Her own answers to the first page once sent, else what we were told."""
    if pending is None:
        return None
    given = pending.answers if "postcode" in pending.answers else pending.answers["prefill"]
    dates = {name: date.fromisoformat(given[name]) for name in ("date_of_birth", "due_date")
             if given.get(name)}
    status = "born" if "date_of_birth" in dates else "pregnant" if dates else None
    return {"postcode": given.get("postcode", ""), "baby_status": status, **dates}


def what_she_typed(form):
    """Her answers, kept in her own browser's session only (never stored by us), so that
    "Check your answers again" brings the form back as she filled it in."""
    return {"postcode": clean_text(form.postcode.data, 20), "baby_status": form.baby_status.data,
            **{name: form[name].data.isoformat() for name in ("date_of_birth", "due_date")
               if form[name].data}}


def typed_before():
    """What she typed before being told she could not join, once (then forgotten)."""
    if request.method != "GET" or not isinstance(session.get(TYPED_KEY), dict):
        return None
    typed = session.pop(TYPED_KEY)
    dates = {}
    for name in ("date_of_birth", "due_date"):
        try:
            dates[name] = date.fromisoformat(str(typed.get(name)))
        except ValueError:
            pass
    return {"postcode": str(typed.get("postcode", ""))[:20],
            "baby_status": str(typed.get("baby_status", ""))[:20], **dates}


def eligibility_answers(form):
    born = form.baby_status.data == "born"
    return {
        "postcode": normalise_postcode(form.postcode.data),
        "date_of_birth": form.date_of_birth.data.isoformat() if born else None,
        "due_date": None if born else form.due_date.data.isoformat(),
    }


@bp.get("/not-eligible")
def not_eligible():
    reasons = [NOT_ELIGIBLE_REASONS[r] for r in request.args.getlist("reason")[:4]
               if r in NOT_ELIGIBLE_REASONS] or [NOT_ELIGIBLE_REASONS["no_groups"]]
    config = current_app.config
    return render_template("parents/not_eligible.html", reasons=reasons,
                           other_text=config["NOT_ELIGIBLE_TEXT"],
                           other_link=config["NOT_ELIGIBLE_LINK"])


@bp.route("/your-details", methods=["GET", "POST"])
@limiter.limit(limit_setting("SIGN_UP_DETAILS_LIMIT"), methods=["POST"], scope="sign-up-details")
def your_details():
    """A number that is already signed up goes on like a new one: the pages never say which
    numbers we know (its owner gets a text at the end instead)."""
    pending, elsewhere = pending_or_restart(1)
    if elsewhere:
        return elsewhere
    form = DetailsForm(data=details_from(pending.answers))
    if form.validate_on_submit():
        service.update_pending(pending, **details_answers(form))
        db.session.commit()
        return redirect(url_for("parents.consent"))
    return render_template("parents/details.html", form=form,
                           prefilled="prefill" in pending.answers and "name" not in pending.answers,
                           referred=bool(pending.answers.get("referred_by")))


def details_from(answers):
    if "name" not in answers:
        prefill = answers.get("prefill") or {}
        return {"language": answers.get("language", "en"), **{
            name: prefill[name] for name in ("name", "mobile", "interpreter_language")
            if name in prefill}, **({"needs_interpreter": prefill["needs_interpreter"]}
                                   if prefill.get("needs_interpreter") else {})}
    return {**answers, "mobile": answers["mobile_as_typed"],
            "needs_interpreter": "yes" if answers.get("interpreter_language") else "no"}


def details_answers(form):
    needs = form.needs_interpreter.data == "yes"
    return {
        "name": clean_text(form.name.data, 120), "mobile": form.mobile_e164,
        "mobile_as_typed": clean_text(form.mobile.data, 30),
        "email": clean_text(form.email.data, 254), "relationship": form.relationship.data,
        "baby_name": clean_text(form.baby_name.data, 120), "language": form.language.data,
        "interpreter_language": clean_text(form.interpreter_language.data, 60) if needs else "",
        "access_needs": clean_lines(form.access_needs.data, 1000),
        "heard_from": form.heard_from.data,
    }


@bp.route("/consent", methods=["GET", "POST"])
def consent():
    pending, elsewhere = pending_or_restart(2)
    if elsewhere:
        return elsewhere
    saved = pending.answers.get("consents", {})
    form = ConsentForm(data={k: "yes" if v else "no" for k, v in saved.items()})
    if form.validate_on_submit():
        service.update_pending(pending, consents={
            "sms": form.sms.data == "yes", "evaluation": form.evaluation.data == "yes"},
            consent_versions={kind.value: wording_version(kind) for kind in ConsentKind})
        db.session.commit()
        return redirect(url_for("parents.about_you"))
    return render_template("parents/consent.html", form=form,
                           sms_wording=wording("sms"), evaluation_wording=wording("evaluation"))


@bp.route("/about-you", methods=["GET", "POST"])
def about_you():
    pending, elsewhere = pending_or_restart(3)
    if elsewhere:
        return elsewhere
    form = AboutYouForm(data=service.about_you_so_far(pending.answers))
    if form.validate_on_submit():
        answers = {name: form[name].data for name in service.ABOUT_YOU_FIELDS}
        service.update_pending(pending, about_you=answers, heard_from=answers["heard_from"])
        db.session.commit()
        return redirect(url_for("parents.choose_group"))
    return render_template("parents/about_you.html", form=form, ethnic_groups=ETHNIC_GROUPS,
                           referred=bool(pending.answers.get("referred_by")))


@bp.route("/choose-a-group", methods=["GET", "POST"])
def choose_group():
    pending, elsewhere = pending_or_restart(4)
    if elsewhere:
        return elsewhere
    form = ChooseGroupForm()
    problem = None
    if form.validate_on_submit():
        try:
            return finish_sign_up(pending, form.group_id.data, form.waiting.data == "yes")
        except service.NotEligible:
            db.session.rollback()  # nothing of hers is stored, and the group's lock ends
            problem = _("Choose one of the groups on this page")
        except places.GroupFull:
            db.session.rollback()
            problem = _("Sorry, someone has just taken the last place in that group. You can "
                        "join its waiting list or choose another group.")
    elif form.errors:
        problem = _("Choose one of the groups on this page")
    return render_group_choice(pending, form, problem)


def render_group_choice(pending, form, problem):
    groups = service.groups_to_choose(pending.answers)
    language = pending.answers.get("language", "en")
    in_language = [g for g in groups if language in g[0].language_codes]
    status = 200 if problem is None else 400
    return render_template("parents/choose_group.html", form=form, problem=problem,
                           groups=in_language or groups,
                           others=[g for g in groups if g not in in_language] if in_language
                           else [], no_group_in_language=not in_language), status


def finish_sign_up(pending, group_id, waiting):
    """Her place or waiting-list spot; for a number already signed up, the same redirect with
    nothing stored (NotEligible and GroupFull come out of both the same way)."""
    try:
        enrolment = service.complete_sign_up(pending, group_id, waiting=waiting)
    except service.MobileTaken:
        db.session.rollback()  # nothing of the new sign-up is kept
        return signed_up_again(service.close_sign_up_of_known_number(
            pending, group_id, waiting=waiting))
    return signed_up(enrolment)


def signed_up(enrolment):
    service.after_sign_up(enrolment)
    joined, language = enrolment.id, enrolment.dyad.parent.language
    db.session.commit()  # her welcome text, queued by the listener; sent after the response
    session.pop(SESSION_KEY, None)  # her answers are forgotten once her place is stored
    session["joined"] = joined
    return redirect(url_for("parents.signed_up_page", lang=language))


def signed_up_again(outcome):
    """Her number was already signed up: the same redirect and page as a new number's, from
    what a new number would have got (nothing was stored; the number's owner got a text)."""
    db.session.commit()  # the owner's text, queued by the listener; sent after the response
    session.pop(SESSION_KEY, None)
    session["joined"] = outcome
    return redirect(url_for("parents.signed_up_page", lang=outcome["language"]))


@bp.get("/done")
def signed_up_page():
    joined = session.get("joined")
    if isinstance(joined, dict):
        group = places.get_row(Group, joined.get("group"))
        return render_done(group, joined.get("status"), joined.get("name"))
    enrolment = places.get_row(Enrolment, joined)
    if enrolment is None:
        return redirect(url_for("pages.index"))
    return render_done(enrolment.group, enrolment.status, enrolment.dyad.parent.name)


def render_done(group, status, name):
    if group is None:
        return redirect(url_for("pages.index"))
    return render_template("parents/done.html", group=group, status=status, name=name,
                           first=places.first_session(group))


# ---- waiting-list offers ----

def offer_from_token(token):
    try:
        claims = read_token(token[:500], "offer", places.offer_hours() * 3600 + 3600)
    except BadToken:
        return None
    offer = places.get_row(WaitingListOffer, claims.get("offer"))
    if offer is None or offer.enrolment.dyad.parent_id != claims["parent"]:
        return None
    return offer


@bp.route("/offer/<token>", methods=["GET", "POST"])
def answer_offer(token):
    offer = offer_from_token(token)
    if offer is None:
        return render_template("parents/offer_closed.html"), 404
    form = OfferForm()
    if offer.status == OfferStatus.OPEN and offer.expires_at > utcnow() \
            and form.validate_on_submit():
        return offer_answered(offer, form.answer.data)
    group = offer.enrolment.group
    return render_template("parents/offer.html", offer=offer, form=form, group=group,
                           first=places.first_session(group), open=offer.status == OfferStatus.OPEN
                           and offer.expires_at > utcnow())


def offer_answered(offer, answer):
    try:
        if answer == "accept":
            places.accept_offer(offer)
        else:
            places.decline_offer(offer)
        db.session.commit()
    except (places.OfferClosed, places.GroupFull):
        db.session.rollback()
        return render_template("parents/offer_closed.html"), 409
    places.announce_place_taken(offer.enrolment)
    db.session.commit()  # her welcome text
    group = offer.enrolment.group
    return render_template("parents/offer_answered.html", accepted=answer == "accept",
                           group=group, first=places.first_session(group))


def init_app(app):
    from pairs_group.parents import group_edits, staff_views

    app.register_blueprint(bp)
    staff_views.init_app(app)
    group_edits.init_app(app)
    app.cli.add_command(cli.waiting_list_commands)
    app.cli.add_command(cli.sign_up_commands)
    app.jinja_env.globals["upcoming_groups"] = lambda: places.open_groups()[:6]
