"""Staff forms for texts: the message log's filters (a GET form: no CSRF token needed)."""

from flask_babel import lazy_gettext as _l

from pairs_group.forms import ChoiceFilterField, DayField, QueryForm
from pairs_group.sms.models import InboundAction, MessageStatus

STATUS_LABELS = {
    MessageStatus.PENDING: _l("Waiting to send"),
    MessageStatus.SENDING: _l("Sending"),
    MessageStatus.SENT: _l("Sent"),
    MessageStatus.DELIVERED: _l("Delivered"),
    MessageStatus.UNDELIVERED: _l("Not delivered"),
    MessageStatus.FAILED: _l("Failed"),
    MessageStatus.UNKNOWN: _l("Unknown - check before sending again"),
    MessageStatus.SKIPPED_OPTED_OUT: _l("Not sent: she said stop"),
    MessageStatus.SKIPPED_NO_CONSENT: _l("Not sent: no consent to texts"),
    MessageStatus.SKIPPED_NOT_NEEDED: _l("Not sent: no longer needed"),
    MessageStatus.SKIPPED_CARRIER_BLOCKED: _l("Not sent: blocked by our text provider"),
    MessageStatus.DEFERRED_QUIET_HOURS: _l("Waiting for the morning"),
}


# What staff read for each kind of text (kinds registered without a label show "Other text").
KIND_LABELS = {
    "welcome": _l("Welcome"),
    "sign_in_code": _l("Sign-in code"),
    "help_reply": _l("Reply to HELP"),
    "opted_out": _l("Stop confirmed"),
    "opted_in": _l("Start confirmed"),
    "reminder": _l("Session reminder"),
    "session_cancelled": _l("Session cancelled"),
    "session_moved": _l("Session moved"),
    "cant_come_thanks": _l("Thanks for saying she can't come"),
    "waiting_list_offer": _l("Place offered from the waiting list"),
    "questionnaire_link": _l("Questionnaire link"),
    "questionnaire_reminder": _l("Questionnaire reminder"),
    "referral_invitation": _l("Invitation after a referral"),
    "referral_reminder": _l("Reminder of an invitation after a referral"),
    "referral_outcome": _l("Outcome told to the referrer"),
}


ACTION_LABELS = {
    InboundAction.OPTED_OUT: _l("She said stop: texts stopped"),
    InboundAction.OPTED_IN: _l("She said start: texts started again"),
    InboundAction.HELP: _l("She asked for help: we replied"),
    InboundAction.CANT_COME: _l("She can't come: marked on the register"),
    InboundAction.INBOX: _l("For staff to read"),
}


def kind_label(name):
    return KIND_LABELS.get(name) or _l("Other text")


class MessageFilterForm(QueryForm):
    status = ChoiceFilterField(_l("Status"))
    kind = ChoiceFilterField(_l("Kind of text"))
    group_id = ChoiceFilterField(_l("Group"), message=_l("Choose a group from the list"))
    sent_from = DayField(_l("From date"))
    sent_to = DayField(_l("To date"), after=(
        "sent_from", _l("The 'to' date must be the same as or after the 'from' date")))

    def __init__(self, formdata, kinds, groups):
        super().__init__(formdata=formdata)
        self.status.choices = [("", _l("Any status"))] + [
            (str(status), label) for status, label in STATUS_LABELS.items()]
        self.kind.choices = [("", _l("Any kind"))] + sorted(
            ((name, kind_label(name)) for name in kinds), key=lambda choice: str(choice[1]))
        self.group_id.choices = [("", _l("Any group"))] + [
            (str(group.id), group.name) for group in groups]
