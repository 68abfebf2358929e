"""The professionals' referral form, and the staff forms for the list and an outcome."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, StopValidation

from pairs_group.forms import ChoiceFilterField, DatePartsField, Form, QueryForm
from pairs_group.parents.choices import REFERRER_ROLES
from pairs_group.parents.forms import (
    BABY_STATUS,
    YES_NO,
    BabyDatesMixin,
    Choice,
    DetailsForm,
    language_choices,
)
from pairs_group.parents.phones import mobile_e164, phone_e164
from pairs_group.referrals.models import ReferralStatus

STATUS_LABELS = {
    ReferralStatus.NEW: _l("New"),
    ReferralStatus.INVITED: _l("Invited"),
    ReferralStatus.JOINED: _l("Joined"),
    ReferralStatus.DECLINED: _l("Declined"),
    ReferralStatus.LAPSED: _l("Lapsed"),
    ReferralStatus.NOT_ELIGIBLE: _l("Not eligible"),
}
# What staff may record; "contacted" is a note beside the status, not a status of its own.
OUTCOMES = [("contacted", _l("We have contacted her")),
            ("declined", _l("She has decided not to join")),
            ("not_eligible", _l("She is not eligible"))]


class ReferralForm(Form):
    """Who refers, the family, and the family's consent. The baby's dates are checked as at
    sign-up (BabyDatesMixin's checks); the words speak about her, to the professional."""

    referrer_name = StringField(_l("Your name"), validators=[
        DataRequired(_l("Enter your name")),
        Length(max=120, message=_l("Your name must be 120 characters or fewer"))],
        render_kw={"autocomplete": "name"})
    referrer_role = Choice(_l("Your role"), choices=REFERRER_ROLES,
                           required_message=_l("Choose your role"))
    referrer_team = StringField(_l("Your team or organisation"), validators=[
        DataRequired(_l("Enter your team or organisation")),
        Length(max=160, message=_l("This must be 160 characters or fewer"))],
        render_kw={"autocomplete": "organization"})
    referrer_email = EmailField(_l("Work email address"), validators=[
        Optional(), Length(max=254, message=_l("Email address must be 254 characters or fewer")),
        Email(_l("Enter an email address like name@example.com"), check_deliverability=False)],
        description=_l("Give a work email address or phone number, or both."),
        render_kw={"autocomplete": "work email"})
    referrer_phone = TelField(_l("Work phone number"), render_kw={"autocomplete": "work tel"})
    tell_referrer = Choice(_l("Would you like a text to tell you if she joins?"), choices=YES_NO,
                           required_message=_l("Choose yes or no"))
    first_name = StringField(_l("Parent's first name"), validators=[
        DataRequired(_l("Enter the parent's first name")),
        Length(max=120, message=_l("The name must be 120 characters or fewer"))])
    mobile = TelField(_l("Parent's mobile phone number"), validators=[
        DataRequired(_l("Enter the parent's mobile phone number"))],
        description=_l("We text her an invitation to join. For example, 07123 456789"))
    language = SelectField(_l("Language she would like us to use"), default="en")
    postcode = StringField(_l("Her postcode"), validators=[
        DataRequired(_l("Enter her postcode")), Length(max=20, message=_l(
            "Enter a postcode, like SW9 9AA"))], description=_l("For example, SW9 9AA"))
    baby_status = Choice(_l("Is the baby born yet?"), choices=BABY_STATUS,
                         required_message=_l("Choose if the baby is born or she is pregnant"))
    date_of_birth = DatePartsField(_l("Baby's date of birth"))
    due_date = DatePartsField(_l("Due date"))
    interpreter = Choice(_l("Does she need an interpreter?"), choices=YES_NO,
                         required_message=_l("Choose yes or no for an interpreter"))
    interpreter_language = StringField(_l("Which language does she need an interpreter for?"),
                                       validators=[Length(max=60, message=_l(
                                           "Language must be 60 characters or fewer"))])
    discreet = BooleanField(_l("Send her discreet texts that do not name the service"),
                            description=_l("For example, if someone else may read her phone."))
    notes = TextAreaField(_l("Anything the team should know (optional)"), validators=[
        Optional(), Length(max=1000, message=_l("This must be 1000 characters or fewer"))],
        description=_l("No clinical details, please. For example, the best time to call her."))
    consent = BooleanField(_l("I have the family's consent to refer them"), validators=[
        DataRequired(_l("Confirm that you have the family's consent to refer them"))])

    set_today = BabyDatesMixin.set_today
    ignore_the_other_date = BabyDatesMixin.ignore_the_other_date
    validate_postcode = BabyDatesMixin.validate_postcode
    validate_date_of_birth = BabyDatesMixin.validate_date_of_birth
    validate_due_date = BabyDatesMixin.validate_due_date
    validate_mobile = DetailsForm.validate_mobile

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_today(today)
        self.ignore_the_other_date()
        self.language.choices = language_choices()

    def validate_referrer_phone(self, field):
        self.referrer_phone_e164 = phone_e164(field.data) if (field.data or "").strip() else ""
        if self.referrer_phone_e164 is None:
            raise StopValidation(_l("Enter a UK phone number, like 020 3228 0000"))
        if not self.referrer_phone_e164 and not (self.referrer_email.data or "").strip():
            raise StopValidation(_l("Enter a work email address or phone number"))

    def validate_tell_referrer(self, field):
        if field.data == "yes" and not mobile_e164(self.referrer_phone.data):
            raise StopValidation(_l("To get a text, give a work mobile number"))

    def validate_interpreter_language(self, field):
        if self.interpreter.data == "yes" and not (field.data or "").strip():
            raise StopValidation(_l("Enter the language she needs an interpreter for"))


class ReferralFilterForm(QueryForm):
    status = ChoiceFilterField(_l("Status"))

    def __init__(self, formdata):
        super().__init__(formdata=formdata)
        self.status.choices = [("", _l("Any status"))] + [
            (str(status), label) for status, label in STATUS_LABELS.items()]


class OutcomeForm(Form):
    outcome = Choice(_l("What happened?"), choices=OUTCOMES,
                     required_message=_l("Choose what happened"))
