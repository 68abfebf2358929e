"""Signing up: a pending sign-up collects her answers step by step; the last step stores
everything (parent, baby, dyad, consents, about you, enrolment) in one transaction."""

import secrets
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from pairs_group.audit.service import record
from pairs_group.db import db, utcnow
from pairs_group.groups.models import Group
from pairs_group.parents import eligibility, places
from pairs_group.parents.consents import record_consent, wording_version
from pairs_group.parents.models import (
    AboutYou,
    Baby,
    ConsentKind,
    Dyad,
    EligibilityOverride,
    Enrolment,
    EnrolmentStatus,
    Parent,
    PendingSignUp,
)
from pairs_group.times import in_london


class MobileTaken(Exception):
    """Someone has already signed up with this mobile number."""


# Sent with the parent whose number someone signed up with again (the SMS feature texts her).
number_signed_up_again = places.signals.signal("number-signed-up-again")


# Sent inside the sign-up's transaction with the new parent and her answers: a feature that
# started the sign-up for her (a referral) records that she joined, in the same commit.
signed_up = places.signals.signal("signed-up")


class NotEligible(Exception):
    """The chosen group is not one she can join."""


# ---- the sign-up in progress ----

def pending_minutes():
    return int(current_app.config["SIGN_UP_MINUTES"])


def start_sign_up(answers, now=None):
    """Begin a pending sign-up once she is eligible (the caller commits)."""
    now = now or utcnow()
    forget_expired_sign_ups(now)  # cron does this too; here it needs no set-up
    pending = PendingSignUp(reference=secrets.token_urlsafe(32), answers=dict(answers),
                            created_at=now,
                            expires_at=now + timedelta(minutes=pending_minutes()))
    db.session.add(pending)
    return pending


def start_prefilled_sign_up(prefill, now=None, **answers):
    """A sign-up begun for her from what someone else told us (a referral). `prefill` only
    fills in her pages: nothing counts as her answer until she sends each page herself."""
    return start_sign_up({**answers, "prefill": dict(prefill)}, now)


def find_pending(reference, now=None):
    """Her pending sign-up, unless it has expired or never existed."""
    if not isinstance(reference, str) or not reference or len(reference) > 64:
        return None
    pending = db.session.scalar(sa.select(PendingSignUp).where(
        PendingSignUp.reference == reference))
    if pending is None or pending.expires_at <= (now or utcnow()):
        return None
    return pending


def update_pending(pending, now=None, **answers):
    """Add a step's answers and give her more time (the caller commits)."""
    now = now or utcnow()
    pending.answers = {**pending.answers, **answers}
    pending.expires_at = now + timedelta(minutes=pending_minutes())


def forget_expired_sign_ups(now=None):
    """Delete pending sign-ups that were never finished (their answers are not kept)."""
    result = db.session.execute(sa.delete(PendingSignUp).where(
        PendingSignUp.expires_at <= (now or utcnow())))
    return result.rowcount


def mobile_taken(mobile):
    return db.session.scalar(sa.select(Parent.id).where(Parent.mobile == mobile)) is not None


# ---- which groups fit ----

def baby_from(answers):
    def as_date(key):
        return date.fromisoformat(answers[key]) if answers.get(key) else None
    return eligibility.Baby(date_of_birth=as_date("date_of_birth"), due_date=as_date("due_date"))


def first_day(group):
    return in_london(group.first_session_at).date()


def fitting_groups(postcode, baby, now=None):
    """(open groups she is eligible for, reasons the others are not)."""
    fits, reasons = [], set()
    for group in places.open_groups(now):
        verdict = eligibility.check_group(group, postcode, baby, first_day(group))
        if verdict.eligible:
            fits.append(group)
        reasons.update(verdict.reasons)
    return fits, reasons


def why_not_eligible(postcode, baby, now=None):
    """Empty if some open group fits; else the reasons ("area", "age", "pregnant", "no_groups")."""
    if not eligibility.in_service_area(postcode):
        return ["area"]
    fits, reasons = fitting_groups(postcode, baby, now)
    if fits:
        return []
    return sorted(reasons) or ["no_groups"]


def groups_to_choose(answers, now=None):
    """[(group, places left)] she can choose from, her language's groups first."""
    fits, _reasons = fitting_groups(answers["postcode"], baby_from(answers), now)
    language = answers.get("language", "en")
    fits.sort(key=lambda g: (language not in g.language_codes, g.first_session_at))
    return [(group, places.places_left(group)) for group in fits]


# ---- finishing ----

ABOUT_YOU_FIELDS = ("ethnic_group", "gender", "age_band", "relationship_status",
                    "first_time_parent", "heard_from")


def build_dyad(answers):
    """Parent, baby and dyad from her answers (not yet added to the session)."""
    parent = Parent(
        name=answers["name"], mobile=answers["mobile"], email=answers.get("email") or None,
        language=answers.get("language", "en"), postcode=answers["postcode"],
        relationship_to_baby=answers.get("relationship", "mother"),
        interpreter_language=answers.get("interpreter_language", ""),
        access_needs=answers.get("access_needs", ""))
    baby_dates = baby_from(answers)
    baby = Baby(name=answers.get("baby_name", ""), date_of_birth=baby_dates.date_of_birth,
                due_date=baby_dates.due_date)
    return Dyad(parent=parent, baby=baby)


def add_consents(parent, answers, now, source="sign_up"):
    for kind in ConsentKind:
        if kind.value in answers.get("consents", {}):
            record_consent(parent, kind, answers["consents"][kind.value], at=now, source=source,
                           version=answers.get("consent_versions", {}).get(kind.value)
                           or wording_version(kind))


def about_you_so_far(answers):
    """Her about-you answers, with who suggested Together Time as she last said it (asked
    with her details, editable on the about-you page)."""
    about = dict(answers.get("about_you") or {})
    if "heard_from" in answers:
        about["heard_from"] = answers["heard_from"]
    return about


def add_about_you(parent, answers, now):
    """Her about-you answers; a walk-in has only who suggested Together Time, if she said. A
    referral says it for her: the referrer's role."""
    about = about_you_so_far(answers)
    if answers.get("referred_by"):
        about["heard_from"] = answers["referred_by"]
    if answers.get("about_you") is not None or about.get("heard_from"):
        db.session.add(AboutYou(parent=parent, answered_at=now, **{
            name: about.get(name) or None for name in ABOUT_YOU_FIELDS}))


def complete_sign_up(pending, group_id, *, waiting=False, now=None):
    """Store everything at once and take a place (or a waiting-list spot) in the group.

    Raises NotEligible, GroupFull (she asked for a place and the last one has gone) or
    MobileTaken: the caller then rolls back, so nothing is stored. Otherwise the caller
    commits, which ends the group's lock: two parents never take the same last place.
    """
    now = now or utcnow()
    answers = pending.answers
    group = _chosen_group(answers, group_id, now)
    try:
        enrolment = _enrol_new_dyad(build_dyad(answers), group, waiting, now)
        add_consents(enrolment.dyad.parent, answers, now)
        add_about_you(enrolment.dyad.parent, answers, now)
        signed_up.send(enrolment.dyad.parent, answers=answers, now=now)
        db.session.delete(pending)
        db.session.flush()
    except IntegrityError as error:  # her number was signed up a moment ago
        raise MobileTaken(answers.get("mobile")) from error
    return enrolment


def _chosen_group(answers, group_id, now, check_mobile=True):
    fits, _ = fitting_groups(answers["postcode"], baby_from(answers), now)
    group = next((g for g in fits if g.id == group_id), None)
    if group is None:
        raise NotEligible(group_id)
    if check_mobile and mobile_taken(answers["mobile"]):
        raise MobileTaken(answers["mobile"])
    return group


def close_sign_up_of_known_number(pending, group_id, *, waiting=False, now=None):
    """Her number is already signed up: nothing new is stored, her pending answers go, and the
    number's owner is told by text (number_signed_up_again). Returns what a new number would
    have been shown; NotEligible and GroupFull come as they would for a new number. The caller
    commits."""
    answers = pending.answers
    group = _chosen_group(answers, group_id, now or utcnow(), check_mobile=False)
    if not waiting and places.places_left(group) == 0:
        raise places.GroupFull(group.id)
    owner = db.session.scalar(sa.select(Parent).where(Parent.mobile == answers["mobile"]))
    db.session.delete(pending)
    if owner is not None:
        record("parents.sign_up_again", owner)
        number_signed_up_again.send(owner)  # her text is queued with it; the caller commits
    return {"group": group.id, "status": str(EnrolmentStatus.WAITING if waiting
                                             else EnrolmentStatus.ENROLLED),
            "name": answers["name"], "language": answers.get("language", "en")}


def _enrol_new_dyad(dyad, group, waiting, now):
    places.lock_group(group.id)
    enrolment = Enrolment(dyad=dyad, group_id=group.id, status=EnrolmentStatus.WAITING,
                          created_at=now)
    db.session.add(enrolment)
    db.session.flush()
    if not waiting:
        places.take_place(enrolment)
        db.session.flush()
    return enrolment


def after_sign_up(enrolment):
    """Tell listeners (the welcome text) once her place is committed."""
    places.announce_place_taken(enrolment)


# ---- staff: a walk-in parent ----

def add_walk_in(answers, group: Group, *, staff_user_id, override_reason="", now=None):
    """A parent added by staff at a session: enrolled if there is room, else waiting.

    Not eligible needs a reason, which is kept and audited. Raises NotEligible, MobileTaken.
    """
    now = now or utcnow()
    verdict = eligibility.check_group(group, answers["postcode"], baby_from(answers),
                                      first_day(group))
    if not verdict.eligible and not override_reason.strip():
        raise NotEligible(",".join(verdict.reasons))
    if mobile_taken(answers["mobile"]):
        raise MobileTaken(answers["mobile"])
    enrolment = _enrol_walk_in(build_dyad(answers), group, now)
    add_consents(enrolment.dyad.parent, answers, now, source="staff")
    add_about_you(enrolment.dyad.parent, answers, now)
    record("parents.add_walk_in", enrolment.dyad.parent, group_id=group.id,
           status=str(enrolment.status))
    if not verdict.eligible:
        _record_override(enrolment, verdict, override_reason, staff_user_id)
    return enrolment


def _enrol_walk_in(dyad, group, now):
    places.lock_group(group.id)
    enrolment = Enrolment(dyad=dyad, group_id=group.id, status=EnrolmentStatus.WAITING,
                          created_at=now)
    db.session.add(enrolment)
    db.session.flush()
    try:
        places.take_place(enrolment)
    except places.GroupFull:
        pass  # the group is full: she waits, first in line is whoever came first
    return enrolment


def _record_override(enrolment, verdict, reason, staff_user_id):
    db.session.add(EligibilityOverride(
        enrolment=enrolment, staff_user_id=staff_user_id,
        reasons_not_eligible=",".join(verdict.reasons), reason=reason.strip()))
    record("parents.eligibility_override", enrolment, reasons=verdict.reasons,
           reason=reason.strip())
