"""The words of questionnaire texts (a link, and one reminder), rendered in her language."""

from flask_babel import gettext as _

from pairs_group.sms.messages import MessageKind, register

EXAMPLE = {"name": "Maria",
           "url": "https://pairs.example.nhs.uk/q/eyJwYXJlbnQiOjEyMzR9.Z0xYzA.abcdefghijklmnopqrstuvwxyz1"}


def _link(context):
    return _("Hello %(name)s. Please answer a few short questions for Together Time. "
             "It helps us help you and your baby: %(url)s", **context)


def _reminder(context):
    return _("Hello %(name)s. Your Together Time questions are still waiting. "
             "We save every answer: %(url)s", **context)


register(MessageKind("questionnaire_link", _link, example=EXAMPLE))
register(MessageKind("questionnaire_reminder", _reminder, example=EXAMPLE))
