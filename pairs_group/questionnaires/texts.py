"""The words of questionnaire texts (a link, and one reminder), rendered in her language."""

from flask_babel import gettext as _

from pairs_group.sms.messages import EXAMPLE_LINK, MessageKind, register

EXAMPLE = {"name": "Katarzyna", "url": EXAMPLE_LINK}  # the demo's longest first name


def _link(context):
    if context.get("discreet"):
        return _("Hello %(name)s. Please answer a few short questions: %(url)s",
                 name=context["name"], url=context["url"])
    return _("Hello %(name)s. Please answer a few short questions for Together Time: %(url)s",
             name=context["name"], url=context["url"])


def _reminder(context):
    if context.get("discreet"):
        return _("Hello %(name)s. Your questions are still waiting. We save every answer: "
                 "%(url)s", name=context["name"], url=context["url"])
    return _("Hello %(name)s. Your Together Time questions are still waiting. "
             "We save every answer: %(url)s", name=context["name"], url=context["url"])


register(MessageKind("questionnaire_link", _link, example=EXAMPLE,
                     description="At the start and end of the group, when her questions open"))
register(MessageKind("questionnaire_reminder", _reminder, example=EXAMPLE,
                     description="A few days later, if she has not answered"))
