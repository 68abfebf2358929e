"""How the audit log's sentences name questionnaire answers, flags and instruments."""

from flask_babel import get_locale
from flask_babel import gettext as _

from pairs_group.audit.service import register_thing_namer
from pairs_group.db import db
from pairs_group.questionnaires import instruments
from pairs_group.questionnaires.models import HelpKind, QuestionnaireResponse, SafeguardingFlag


def instrument_words(instrument_id):
    found = instruments.registry().get(instrument_id)
    return found.title_in(str(get_locale() or "en")) if found else None


def response_words(raw_id):
    """"PRFQ (Before) of Parent 12"."""
    response = db.session.get(QuestionnaireResponse, int(raw_id)) if str(
        raw_id).isdigit() else None
    if response is None:
        return None
    timepoint = _("Before") if str(response.timepoint) == "pre" else _("After")
    return _("%(instrument)s (%(timepoint)s) of %(parent)s",
             instrument=instrument_words(response.instrument_id) or response.instrument_id,
             timepoint=timepoint, parent=_("Parent %(id)s", id=response.dyad.parent_id))


def flag_words(raw_id):
    flag = db.session.get(SafeguardingFlag, int(raw_id)) if str(raw_id).isdigit() else None
    return _("Parent %(id)s", id=flag.dyad.parent_id) if flag else None


def help_kind_words(code):
    """How she was helped to answer, as a sentence puts it in brackets."""
    return {HelpKind.INTERPRETER: _("through an interpreter"),
            HelpKind.COLLEAGUE: _("with a bilingual colleague"),
            HelpKind.FACILITATOR: _("no one else helping")}.get(code)


def init_app(app):
    register_thing_namer("QuestionnaireResponse", response_words)
    register_thing_namer("SafeguardingFlag", flag_words)
    register_thing_namer("Instrument", instrument_words)
    register_thing_namer("HelpKind", help_kind_words)
