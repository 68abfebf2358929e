"""The audit log in words: one sentence for each kind of action, with the details that matter.

The things a sentence names (a session, a group, a staff member...) come from namers the
features register (service.register_thing_namer); parents are named by number only, so the log
shows no parent's name. tests/test_audit_sentences.py fails for an action without a sentence.
"""

from datetime import datetime

from babel import Locale, UnknownLocaleError
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _

from pairs_group.audit.service import name_of


def parent_words(raw_id):
    return _("Parent %(id)s", id=raw_id) if raw_id not in (None, "") else _("a parent")


def actor_sentence_words(actor):
    """Who did it, as a sentence starts: "Amina Khan (Facilitator)", "Parent 3", "System"."""
    kind, _sep, raw_id = (actor or "").partition(":")
    if kind == "staff" and raw_id.isdigit():
        return name_of("StaffUser", raw_id) or _("Staff %(id)s", id=raw_id)
    if kind == "parent" and raw_id.isdigit():
        return parent_words(raw_id)
    return _("System") if actor == "system" else _("Anonymous")


class Facts:
    """What one event (or a run of alike events) says, as words for its sentence."""

    def __init__(self, event, count=1):
        self.event, self.count, self.details = event, count, event.details or {}
        self.who = actor_sentence_words(event.actor)

    def get(self, key, default=""):
        value = self.details.get(key, default)
        return default if value is None else value

    def name(self, kind, raw_id, fallback=None):
        """Its words; a thing since deleted by its kind and number, as stored."""
        if raw_id is None or raw_id == "":
            return fallback or _("(not recorded)")
        return name_of(kind, raw_id) or fallback or _("%(kind)s %(id)s", kind=kind, id=raw_id)

    @property
    def target(self):
        return self.name(self.event.target_type, self.event.target_id)

    @property
    def person(self):
        return self.name("StaffUser", self.event.target_id)

    @property
    def parent(self):
        if self.event.target_type == "Parent":
            return parent_words(self.event.target_id)
        return parent_words(self.details.get("parent_id"))

    @property
    def session(self):
        return self.name("GroupSession", self.details.get("session_id"))

    def group(self, key=None):
        raw_id = self.details.get(key) if key else self.event.target_id
        return self.name("Group", raw_id)

    def when(self, iso):
        try:
            return format_datetime(datetime.fromisoformat(iso), "full")
        except (TypeError, ValueError):
            return str(iso)

    def language(self):
        code = self.get("language")
        try:
            return Locale.parse(code).get_display_name(code) or code
        except (ValueError, TypeError, UnknownLocaleError):
            return code

    def consent(self):
        kind = self.get("kind")
        return {"sms": _("text messages"), "evaluation": _("the evaluation")}.get(kind, kind)

    def shown(self, key):
        """How many parents a page showed (a list of ids, or a number)."""
        value = self.details.get(key)
        return len(value) if isinstance(value, list) else int(value or 0)

    def timepoint(self):
        return {"pre": _("Before"), "post": _("After")}.get(self.get("timepoint"),
                                                            self.get("timepoint"))

    def groups(self, key):
        ids = self.details.get(key) or []
        return ", ".join(self.group_name(i) for i in ids) or _("none")

    def group_name(self, raw_id):
        return self.name("Group", raw_id)


def _attendance(f):
    status = (f.details.get("after") or {}).get("status") or f.get("status")
    if f.get("by") == "parent":
        if status == "undone":
            return _("%(who)s took back her apologies for %(session)s.", who=f.who,
                     session=f.session)
        return _("%(who)s sent apologies for %(session)s.", who=f.who, session=f.session)
    words = {"who": f.who, "session": f.session}
    if status == "attended":
        return ngettext("%(who)s marked %(num)d family attended at %(session)s.",
                        "%(who)s marked %(num)d families attended at %(session)s.",
                        f.count, **words)
    if status == "did_not_attend":
        return ngettext("%(who)s marked %(num)d family as not attended at %(session)s.",
                        "%(who)s marked %(num)d families as not attended at %(session)s.",
                        f.count, **words)
    if status == "cancelled_by_parent":
        return ngettext("%(who)s recorded apologies from %(num)d family for %(session)s.",
                        "%(who)s recorded apologies from %(num)d families for %(session)s.",
                        f.count, **words)
    if status == "cancelled_by_service":
        return ngettext(
            "%(who)s marked %(session)s cancelled by the service for %(num)d family.",
            "%(who)s marked %(session)s cancelled by the service for %(num)d families.",
            f.count, **words)
    return ngettext("%(who)s changed %(num)d register mark for %(session)s.",
                    "%(who)s changed %(num)d register marks for %(session)s.", f.count, **words)


def _sign_in_failed(f):
    if f.event.target_id:
        return _("%(person)s entered a wrong authenticator code.", person=f.person)
    return _("Someone could not sign in as %(email)s: wrong email address or password.",
             email=f.get("email"))


def _enrolment_withdraw(f):
    if f.get("by") == "erasure":
        return _("The place of %(place)s ended when her account was deleted.", place=f.target)
    return _("%(place)s was withdrawn from the group.", place=f.target)


def _provider_found(f):
    if f.get("found") == "sent":
        return _("The text provider said %(text)s was sent.", text=f.target)
    return _("The text provider said %(text)s was not sent.", text=f.target)


def _settings(f):
    return _("%(parent)s changed her settings: language %(language)s, texts %(texts)s, discreet "
             "texts %(discreet)s.", parent=f.parent, language=f.get("language"),
             texts=_("on") if f.get("texts") else _("off"),
             discreet=_("on") if f.get("discreet") else _("off"))


SENTENCES = {
    "attendance.change": _attendance,
    "attendance.view_register": lambda f: _(
        "%(who)s opened the register of %(session)s.", who=f.who,
        session=f.name("GroupSession", f.event.target_id)),
    "attendance.view": lambda f: _(
        "%(who)s opened the mark of %(place)s for %(session)s.", who=f.who,
        place=f.name("Enrolment", f.get("enrolment_id")), session=f.session),
    "reminders.change_times": lambda f: _(
        "%(who)s changed the reminder times of %(group)s to %(times)s.", who=f.who,
        group=f.group(), times=", ".join(f.get("times", []))),
    "staff.create": lambda f: _("%(who)s added a staff account for %(person)s.", who=f.who,
                                person=f.person),
    "staff.set_up_link": lambda f: _(
        "%(who)s made a set-up link for %(person)s that works for %(hours)s hours.", who=f.who,
        person=f.person, hours=f.get("hours")),
    "staff.set_up": lambda f: _("%(person)s set a password and finished setting up the account.",
                                person=f.person),
    "staff.disable": lambda f: _("%(who)s disabled the account of %(person)s.", who=f.who,
                                 person=f.person),
    "staff.enable": lambda f: _("%(who)s enabled the account of %(person)s again.", who=f.who,
                                person=f.person),
    "staff.role_change": lambda f: _(
        "%(who)s changed the role of %(person)s from %(before)s to %(after)s.", who=f.who,
        person=f.person, before=f.name("Role", f.get("before"), f.get("before")),
        after=f.name("Role", f.get("after"), f.get("after"))),
    "staff.two_factor_reset": lambda f: _(
        "%(who)s reset the authenticator app of %(person)s.", who=f.who, person=f.person),
    "staff.sign_out_everywhere": lambda f: _(
        "%(who)s signed %(person)s out everywhere.", who=f.who, person=f.person),
    "staff.two_factor_set_up": lambda f: _("%(person)s set up an authenticator app.",
                                           person=f.person),
    "staff.sign_in_failed": _sign_in_failed,
    "staff.sign_in": lambda f: _("%(person)s signed in.", person=f.person),
    "staff.groups_change": lambda f: _(
        "%(who)s changed the groups %(person)s runs: added %(added)s; removed %(removed)s.",
        who=f.who, person=f.person, added=f.groups("added"), removed=f.groups("removed")),
    "sms.review_reply": lambda f: _("%(who)s marked a text reply from %(parent)s as reviewed.",
                                    who=f.who, parent=f.target),
    "sms.view_log": lambda f: _("%(who)s looked at the texts log (parents shown: %(count)d).",
                                who=f.who, count=f.shown("parent_ids")),
    "sms.view_replies": lambda f: _(
        "%(who)s looked at the text replies (parents shown: %(count)d).", who=f.who,
        count=f.shown("parent_ids")),
    "sms.view_opt_outs": lambda f: _(
        "%(who)s looked at who has stopped texts (parents shown: %(count)d).", who=f.who,
        count=f.shown("parent_ids")),
    "sms.view_history": lambda f: _("%(who)s looked at the texts of %(parent)s.", who=f.who,
                                    parent=f.parent),
    "enrolment.withdraw": _enrolment_withdraw,
    "account.delete": lambda f: _(
        "%(who)s deleted the account of %(parent)s (rows kept anonymised: %(kept)s; rows "
        "deleted: %(deleted)s).", who=f.who, parent=f.parent, kept=f.get("rows_kept", 0),
        deleted=f.get("rows_deleted", 0)),
    "account.settings": _settings,
    "account.change_mobile": lambda f: _("%(who)s changed the mobile number of %(parent)s.",
                                         who=f.who, parent=f.parent),
    "account.sign_in": lambda f: _("%(parent)s signed in with a code sent by text.",
                                   parent=f.parent),
    "account.sign_out_everywhere": lambda f: _("%(parent)s signed out everywhere.",
                                               parent=f.parent),
    "account.view_data": lambda f: _("%(parent)s looked at her own data.", parent=f.parent),
    "account.export": lambda f: _("%(parent)s downloaded her own data (%(format)s).",
                                  parent=f.parent, format=f.get("format").upper()),
    "account.language": lambda f: _("%(who)s chose %(language)s for the pages.", who=f.who,
                                    language=f.language()),
    "parents.sign_up_again": lambda f: _(
        "%(parent)s signed up again with the same mobile number.", parent=f.parent),
    "parents.add_walk_in": lambda f: _("%(who)s added %(parent)s to %(group)s as a walk-in.",
                                       who=f.who, parent=f.parent, group=f.group("group_id")),
    "parents.eligibility_override": lambda f: _(
        "%(who)s let %(place)s join outside the eligibility rules, saying: %(reason)s",
        who=f.who, place=f.target, reason=f.get("reason")),
    "consent.give": lambda f: _("%(parent)s gave consent: %(kind)s (wording %(version)s).",
                                parent=f.parent, kind=f.consent(), version=f.get("version")),
    "consent.withdraw": lambda f: _(
        "%(parent)s withdrew consent: %(kind)s (wording %(version)s).", parent=f.parent,
        kind=f.consent(), version=f.get("version")),
    "parents.enrol_from_waiting_list": lambda f: _(
        "%(who)s gave %(place)s a place from the waiting list.", who=f.who, place=f.target),
    "parents.offer_place": lambda f: _("%(who)s offered a place to %(place)s.", who=f.who,
                                       place=f.target),
    "parents.move_waiting": lambda f: _(
        "%(who)s moved %(place)s to the waiting list of %(group)s.", who=f.who, place=f.target,
        group=f.group("to_group_id")),
    "parents.view_waiting_list": lambda f: _(
        "%(who)s looked at the waiting list of %(group)s (parents shown: %(count)d).",
        who=f.who, group=f.group(), count=f.shown("parents")),
    "export": lambda f: _("%(who)s exported %(file)s.", who=f.who, file=f.get("file")),
    "privacy.retention_erase": lambda f: _(
        "The data of %(parent)s was erased %(months)s months after her last contact, as the "
        "retention rule says.", parent=f.parent, months=f.get("months")),
    "group.create": lambda f: _("%(who)s created %(group)s (sessions: %(count)s).", who=f.who,
                                group=f.group(), count=f.get("sessions", 0)),
    "group.edit": lambda f: _(
        "%(who)s changed %(group)s (details changed: %(count)d; sessions moved: %(moved)s, "
        "cancelled: %(cancelled)s, added: %(added)s).", who=f.who, group=f.group(),
        count=len(f.get("changes", {})), moved=f.get("sessions_moved", 0),
        cancelled=f.get("sessions_cancelled", 0), added=f.get("sessions_added", 0)),
    "venue.edit": lambda f: _("%(who)s changed the venue %(venue)s (details changed: %(count)d).",
                              who=f.who, venue=f.target, count=len(f.get("changes", {}))),
    "sms.mark_checked": lambda f: _(
        "%(who)s marked %(text)s as checked (its outcome was unknown).", who=f.who,
        text=f.target),
    "sms.resend": lambda f: _("%(who)s sent %(text)s again.", who=f.who, text=f.target),
    "sms.resolve_unknown": _provider_found,
    "session.cancel": lambda f: _("%(who)s cancelled %(session)s.", who=f.who,
                                  session=f.name("GroupSession", f.event.target_id)),
    "session.move": lambda f: _("%(who)s moved %(session)s; it was %(before)s.", who=f.who,
                                session=f.name("GroupSession", f.event.target_id),
                                before=f.when(f.get("before"))),
    "questionnaires.send_reminder": lambda f: _(
        "A reminder to answer the questionnaires (%(timepoint)s) was sent to %(parent)s.",
        timepoint=f.timepoint(), parent=f.target),
    "questionnaires.submit": lambda f: _("%(who)s submitted %(response)s.", who=f.who,
                                         response=f.target),
    "questionnaires.safeguarding_flag": lambda f: _(
        "An answer to item %(item)s raised a safeguarding flag for %(parent)s.",
        item=f.get("item"), parent=f.target),
    "questionnaires.reopen": lambda f: _(
        "%(who)s reopened %(response)s; its scores are removed until it is submitted again.",
        who=f.who, response=f.target),
    "questionnaires.safeguarding_acknowledge": lambda f: _(
        "%(who)s marked the safeguarding flag for %(parent)s as seen.", who=f.who,
        parent=f.target),
    "questionnaires.plan_change": lambda f: _(
        "%(who)s changed which questionnaires %(group)s asks.", who=f.who, group=f.group()),
    "questionnaires.view_flags": lambda f: _(
        "%(who)s looked at the safeguarding flags (parents shown: %(count)d).", who=f.who,
        count=f.shown("dyad_ids")),
    "questionnaires.view_group": lambda f: _(
        "%(who)s looked at the questionnaires of %(group)s (parents shown: %(count)d).",
        who=f.who, group=f.group(), count=f.shown("dyad_ids")),
    "referrals.create": lambda f: _("A professional referred a family: %(referral)s.",
                                    referral=f.target),
    "referrals.joined": lambda f: _("%(who)s signed up from %(referral)s.", who=f.who,
                                    referral=f.target),
    "referrals.outcome": lambda f: _("%(who)s recorded what happened with %(referral)s: "
                                     "%(outcome)s.", who=f.who, referral=f.target,
                                     outcome=f.name("ReferralOutcome", f.get("outcome"))),
    "referrals.view": lambda f: _("%(who)s looked at %(referral)s.", who=f.who,
                                  referral=f.target),
    "referrals.view_list": lambda f: _(
        "%(who)s looked at the referrals list (referrals shown: %(count)d).", who=f.who,
        count=f.shown("shown")),
    "questionnaires.ask_for_help": lambda f: _(
        "%(who)s asked for help with %(response)s.", who=f.who, response=f.target),
    "questionnaires.start_with_help": lambda f: _(
        "%(who)s started answering %(response)s with her (%(helper)s).", who=f.who,
        response=f.target, helper=f.name("HelpKind", f.get("help_kind"), f.get("help_kind"))),
    "questionnaires.view_with_help": lambda f: _(
        "%(who)s opened %(place)s to answer it with her.", who=f.who, place=f.target),
    "questionnaires.submit_with_help": lambda f: _(
        "%(who)s sent %(response)s, answered with her.", who=f.who, response=f.target),
    "questionnaires.view": lambda f: _(
        "%(who)s opened the %(instrument)s answers (%(timepoint)s) of %(place)s.", who=f.who,
        instrument=f.name("Instrument", f.get("instrument"), f.get("instrument")),
        timepoint=f.timepoint(), place=f.target),
}


def sentence(event, count=1):
    """The event in words; an action with no sentence (an old kind) says what was stored."""
    say = SENTENCES.get(event.action)
    if say is None:
        return _("%(who)s: %(action)s", who=actor_sentence_words(event.actor),
                 action=event.action)
    return say(Facts(event, count))
