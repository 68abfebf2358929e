"""Her settings: language, texts on or off, discreet wording, email, and a new mobile number."""

import sqlalchemy as sa
from flask_babel import gettext as _

from pairs_group.account import codes
from pairs_group.account.models import CodePurpose
from pairs_group.audit.service import record
from pairs_group.auth.login import end_every_session
from pairs_group.db import db
from pairs_group.i18n import supported
from pairs_group.parents import consents
from pairs_group.parents.models import ConsentKind, Parent


def current(parent):
    """Her settings as the settings form's data."""
    texts_on = texts_wanted(parent)
    return {"language": parent.language, "texts": "on" if texts_on else "off",
            "discreet": parent.discreet_sms, "email": parent.email or ""}


def texts_wanted(parent):
    """Texts are on unless she said no (here or at sign-up) or replied STOP."""
    said = consents.current_consent(parent, ConsentKind.SMS)
    return said is not False and parent.sms_opted_out_at is None


def save(parent, answers):
    """Store what she chose; a change to texts is a change of consent, recorded as one."""
    parent.language = supported(answers.get("language")) or parent.language
    parent.discreet_sms = bool(answers.get("discreet"))
    parent.email = (answers.get("email") or "").strip() or None
    wants_texts = answers.get("texts") == "on"
    if wants_texts != (consents.current_consent(parent, ConsentKind.SMS) is not False):
        change = consents.give_consent if wants_texts else consents.withdraw_consent
        change(parent, ConsentKind.SMS, source="settings")
    record("account.settings", parent, language=parent.language, texts=wants_texts,
           discreet=parent.discreet_sms)


def confirm_new_mobile(parent, code_id, typed):
    """Save the new number once its code is right; a message saying what is wrong, else None."""
    try:
        row = codes.check_code(code_id, typed, CodePurpose.CHANGE_MOBILE)
    except codes.CodeProblem as problem:
        return code_problem_message(problem.reason)
    if row.parent_id != parent.id:
        return code_problem_message("expired")
    taken = db.session.scalar(sa.select(Parent.id).where(Parent.mobile == row.mobile,
                                                         Parent.id != parent.id))
    if taken is not None:
        return _("This number is used by another account. Please call us to change it.")
    parent.mobile = row.mobile
    record("account.change_mobile", parent)
    return None


def sign_out_everywhere(parent):
    """A lost or shared phone: every session and remembered phone of hers ends (the caller
    forgets this browser's session and commits)."""
    record("account.sign_out_everywhere", parent)
    end_every_session(parent)


def code_problem_message(reason):
    return {
        "wrong": _("That code is not right. Check the text and try again."),
        "expired": _("This code has run out. Ask for a new code."),
        "used_up": _("Too many wrong tries. Ask for a new code."),
    }[reason]


def consents_of(parent):
    """Her current answer to each consent question, with the words she was asked."""
    return [{"kind": str(kind), "wording": consents.wording(kind),
             "answer": consents.current_consent(parent, kind)} for kind in ConsentKind]


def agreed_to_evaluation(parent):
    return consents.current_consent(parent, ConsentKind.EVALUATION) is True


def withdraw_evaluation_consent(parent):
    """She takes back her yes to evaluation use; False if there was no yes to take back."""
    if not agreed_to_evaluation(parent):
        return False
    consents.withdraw_consent(parent, ConsentKind.EVALUATION, source="my_data")
    return True


def give_evaluation_consent(parent):
    """She says yes (again) to evaluation use; False if her yes is already recorded."""
    if agreed_to_evaluation(parent):
        return False
    consents.give_consent(parent, ConsentKind.EVALUATION, source="my_data")
    return True
