"""The words of the referral texts: her invitation and its one reminder (in her language),
and the outcome told to the professional who referred her (in English, no clinical detail)."""

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

from pairs_group.sms.messages import EXAMPLE_LINK, MessageKind, register

EXAMPLE = {"name": "Katarzyna", "link": EXAMPLE_LINK}  # the demo's longest first name


def _invitation(context):
    if context.get("discreet"):
        return _("Hello %(name)s. You are invited to join us. Check your details and say "
                 "yes here: %(link)s", name=context["name"], link=context["link"])
    return _("Hello %(name)s. You are invited to join Together Time. Check your details and "
             "join here: %(link)s", name=context["name"], link=context["link"])


def _reminder(context):
    if context.get("discreet"):
        return _("Hello %(name)s. Your invitation is still open. Check your details and say "
                 "yes here: %(link)s", name=context["name"], link=context["link"])
    return _("Hello %(name)s. Your invitation to Together Time is still open. Check your "
             "details and join here: %(link)s", name=context["name"], link=context["link"])


def outcome_words():
    """The outcome as told to the referrer (called in the text's language)."""
    return {"joined": _("she has joined"),
            "declined": _("she has decided not to join for now"),
            "not_eligible": _("we could not offer her a place"),
            "lapsed": _("she did not answer our invitation")}


def _outcome(context):
    words = {"date": format_date(date.fromisoformat(context["referred_on"]), "d MMM yyyy"),
             "ref": context["ref"], "outcome": outcome_words()[context["outcome"]]}
    if context.get("discreet"):
        return _("About the family you referred on %(date)s (ref %(ref)s): %(outcome)s.",
                 **words)
    return _("Together Time: about the family you referred on %(date)s (ref %(ref)s): "
             "%(outcome)s.", **words)


register(MessageKind("referral_invitation", _invitation, example=EXAMPLE,
                     description="When a professional refers her, with a link to sign up"))
register(MessageKind("referral_reminder", _reminder, example=EXAMPLE,
                     description="Once, some days later, if she has not signed up"))
register(MessageKind(
    "referral_outcome", _outcome,
    example={"referred_on": "2027-09-30", "ref": "R12345",
             "outcome": "declined"},
    needs_consent=False,
    description="To the professional who referred her, if she asked to be told"))
