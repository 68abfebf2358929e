"""A failed text's error in words: what it means and what staff can do, for the errors Twilio and
GOV.UK Notify give us and our own. One table; an error not in it gets a general line."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from pairs_group.sms.models import MessageStatus


@dataclass(frozen=True)
class Explanation:
    meaning: str
    to_do: str


CHECK_NUMBER = _l("Check her mobile number with her, then send the text again.")
ASK_FOR_MOBILE = _l("Ask her for a mobile number, or call her.")
TELL_RUNNERS = _l("Tell whoever runs the text service (Twilio or GOV.UK Notify), and call her "
                  "meanwhile.")
LATER = _l("Send it again later, or call her.")
CALL = _l("Call her to tell her what the text said.")

# Twilio's numeric codes (answers to a send, and status callbacks' ErrorCode), Notify's failure
# statuses, HTTP statuses (a provider with no code of its own) and our own codes.
EXPLANATIONS = {
    "21211": Explanation(_l("This is not a valid phone number."), CHECK_NUMBER),
    "21614": Explanation(_l("The number is not a mobile, so it cannot get texts."),
                         ASK_FOR_MOBILE),
    "21610": Explanation(
        _l("She has blocked our texts with her phone company (she replied STOP)."),
        _l("Do not send it again: she can text START to our number to get texts again. "
           "Call her if it matters.")),
    "21408": Explanation(_l("Our text service is not allowed to send texts to this country."),
                         TELL_RUNNERS),
    "21612": Explanation(_l("Our text service cannot reach this number from our sending number."),
                         TELL_RUNNERS),
    "21606": Explanation(_l("Our text service cannot reach this number from our sending number."),
                         TELL_RUNNERS),
    "20003": Explanation(_l("The text service turned down our account details."), TELL_RUNNERS),
    "30003": Explanation(_l("Her phone could not be reached: switched off or out of signal."),
                         LATER),
    "30004": Explanation(_l("Her phone or her network blocked the text."), CALL),
    "30005": Explanation(_l("The number does not exist or is no longer in use."), CHECK_NUMBER),
    "30006": Explanation(_l("The number is a landline, or its network cannot get texts."),
                         ASK_FOR_MOBILE),
    "30007": Explanation(_l("Her network stopped the text as possible spam."), CALL),
    "30008": Explanation(_l("Her network could not deliver it and did not say why."), LATER),
    "20429": Explanation(_l("Too many texts at once: the text service asked us to slow down, "
                            "and the tries ran out."), LATER),
    "500": Explanation(_l("The text service had a fault on its side."), LATER),
    "permanent-failure": Explanation(
        _l("Her phone network says the number is wrong, or it refused the text."), CHECK_NUMBER),
    "temporary-failure": Explanation(
        _l("Her phone was off or out of signal, or its inbox was full."), LATER),
    "technical-failure": Explanation(
        _l("GOV.UK Notify could not pass the text to the phone network."), LATER),
    "no-template": Explanation(
        _l("No GOV.UK Notify template is set up for this kind of text in her language."),
        TELL_RUNNERS),
    "render": Explanation(_l("The text could not be written: a fault in its wording or details."),
                          TELL_RUNNERS),
    "not-sent": Explanation(_l("The text service has no record of it: it was never sent."),
                            _l("Send it again if it is still needed.")),
}
EXPLANATIONS |= {"429": EXPLANATIONS["20429"]} | {
    code: EXPLANATIONS["500"] for code in ("502", "503", "504", "20500", "20503")}

UNKNOWN = Explanation(
    _l("We asked the text service to send it but got no answer, so we do not know whether it "
       "went."),
    _l("We ask the text service about it every few minutes. If it stays unknown, ask her "
       "whether she got it, then mark it as checked."))
NO_ANSWER = Explanation(_l("We could not reach the text service."), LATER)
GENERAL = Explanation(_l("It did not go, and the reason given is not one we know."),
                      _l("Check her number, send it again, or call her."))


def explain(message):
    """What staff read beside a text that did not go, or None for a text that is fine."""
    if message.status not in (MessageStatus.FAILED, MessageStatus.UNDELIVERED,
                              MessageStatus.UNKNOWN):
        return None
    if message.status == MessageStatus.UNKNOWN:
        return UNKNOWN
    if message.error_code in EXPLANATIONS:
        return EXPLANATIONS[message.error_code]
    if message.status == MessageStatus.FAILED and not message.error_code:
        return NO_ANSWER  # tries used up without reaching the provider
    return GENERAL
