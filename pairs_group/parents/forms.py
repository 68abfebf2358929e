"""The sign-up steps' forms and the staff forms for the waiting list and walk-in parents."""

import re
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, StopValidation

from pairs_group.forms import DatePartsField, Form
from pairs_group.i18n import LANGUAGES
from pairs_group.parents import choices
from pairs_group.parents.eligibility import normalise_postcode
from pairs_group.parents.models import PREFER_NOT_TO_SAY
from pairs_group.parents.phones import mobile_e164

YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
BABY_STATUS = [("born", _l("My baby is born")), ("pregnant", _l("I'm pregnant"))]
RELATIONSHIPS = [("mother", _l("Mother")), ("father", _l("Father")),
                 ("other_carer", _l("Other carer, like a grandparent or foster carer"))]
OLDEST_BABY = timedelta(days=5 * 366)


def options(pairs):
    """(value, label) pairs as WTForms choices; "prefer not to say" set apart by a divider."""
    return [SelectChoice(value, label, render_kw={"divider_before": _l("or")}
                         if value == PREFER_NOT_TO_SAY else {})
            for value, label in pairs]


def example_date(day):
    """'For example, 15 9 2026': a date typed as the day, month and year boxes ask for it."""
    return _l("For example, %(date)s", date=f"{day.day} {day.month} {day.year}")


class Choice(RadioField):
    """Radios with a specific message when nothing is chosen, and no trust in posted values."""

    def __init__(self, label=None, validators=None, required_message=None, choices=(),
                 **kwargs):
        super().__init__(label, validators, validate_choice=False, choices=options(choices),
                         **kwargs)
        self.required_message = required_message
        self.type = "RadioField"  # drawn as NHS radios by macros/forms.html

    def pre_validate(self, form):
        if self.data in (None, "", "None"):
            self.data = None
            raise StopValidation(self.required_message or "")
        if self.data not in {value for value, *_rest in self.iter_choices()}:
            raise StopValidation(_l("Choose one of the answers"))


def heard_from_field(label):
    """The referral source, asked once and skippable (nothing chosen is no error)."""
    return Choice(label, choices=choices.QUESTIONS["heard_from"],
                  description=_l("You can leave this out."))


def language_choices():
    return options((code, language.native_name) for code, language in LANGUAGES.items())


class BabyDatesMixin:
    """Postcode and the baby's date of birth or due date: what eligibility is decided on."""

    postcode = StringField(_l("Your postcode"), validators=[
        DataRequired(_l("Enter your postcode")), Length(max=20, message=_l(
            "Enter a postcode, like SW9 9AA"))],
        description=_l("For example, SW9 9AA"), render_kw={"autocomplete": "postal-code"})
    baby_status = Choice(_l("Is your baby born yet?"), choices=BABY_STATUS,
                         required_message=_l("Choose if your baby is born or you are pregnant"))
    date_of_birth = DatePartsField(_l("Baby's date of birth"))
    due_date = DatePartsField(_l("Due date"))

    def set_today(self, today):
        """Today, for the checks and for examples she could really type: a birth two months
        ago, a due date in four months
        (a fixed year goes stale and reads as a mistake)."""
        self.today = today
        self.date_of_birth.description = example_date(today - timedelta(weeks=9))
        self.due_date.description = example_date(today + timedelta(weeks=17))

    def ignore_the_other_date(self):
        """Only the date that matches her answer counts; typing in the other one is no error."""
        other = {"born": self.due_date, "pregnant": self.date_of_birth}.get(self.baby_status.data)
        if other is not None:
            other.process_errors, other.data = [], None

    def validate_postcode(self, field):
        if normalise_postcode(field.data) is None:
            raise StopValidation(_l("Enter a real UK postcode, like SW9 9AA"))

    def validate_date_of_birth(self, field):
        if self.baby_status.data != "born":
            return
        if field.data is None:
            raise StopValidation(_l("Enter your baby's date of birth"))
        if field.data > self.today:
            raise StopValidation(_l("Baby's date of birth must be today or in the past"))
        if field.data < self.today - OLDEST_BABY:
            raise StopValidation(_l("Baby's date of birth must be in the last 5 years"))

    def validate_due_date(self, field):
        if self.baby_status.data != "pregnant":
            return
        if field.data is None:
            raise StopValidation(_l("Enter your due date"))
        if field.data < self.today - timedelta(weeks=4):
            raise StopValidation(_l("If your baby is born, choose 'My baby is born' and enter "
                                    "the date of birth"))
        if field.data > self.today + timedelta(weeks=44):
            raise StopValidation(_l("Due date must be in the next 10 months"))


class EligibilityForm(BabyDatesMixin, Form):
    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_today(today)
        self.ignore_the_other_date()


class DetailsForm(Form):
    name = StringField(_l("Your name"), validators=[
        DataRequired(_l("Enter your name")),
        Length(max=120, message=_l("Your name must be 120 characters or fewer"))],
        render_kw={"autocomplete": "name"})
    mobile = TelField(_l("Mobile phone number"), validators=[
        DataRequired(_l("Enter your mobile phone number"))],
        description=_l("We text you reminders. For example, 07123 456789"),
        render_kw={"autocomplete": "tel"})
    email = EmailField(_l("Email address (optional)"), validators=[
        Optional(), Length(max=254, message=_l("Email address must be 254 characters or fewer")),
        Email(_l("Enter an email address like name@example.com"), check_deliverability=False)],
        render_kw={"autocomplete": "email"})
    relationship = Choice(_l("Who are you to the baby?"), choices=RELATIONSHIPS,
                          required_message=_l("Choose who you are to the baby"))
    baby_name = StringField(_l("Baby's name or nickname"), validators=[
        Optional(), Length(max=120, message=_l("Baby's name must be 120 characters or fewer"))],
        description=_l("If your baby is not born yet, you can leave this blank."))
    language = SelectField(_l("Which language would you like us to use?"),
                           validators=[DataRequired(_l("Choose a language"))])
    needs_interpreter = Choice(_l("Would you like an interpreter at the group?"),
                               choices=YES_NO)
    interpreter_language = StringField(_l("Which language do you need an interpreter for?"),
                                       validators=[Length(max=60, message=_l(
                                           "Language must be 60 characters or fewer"))])
    access_needs = TextAreaField(_l("Is there anything else that would help you come? (optional)"),
                                 validators=[Optional(), Length(max=1000, message=_l(
                                     "This must be 1000 characters or fewer"))],
                                 description=_l("For example, step-free access or a quiet space."))
    heard_from = heard_from_field(_l("Who suggested Together Time to you?"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()

    def validate_mobile(self, field):
        self.mobile_e164 = mobile_e164(field.data)
        if self.mobile_e164 is None:
            raise StopValidation(_l("Enter a UK mobile number, like 07123 456789"))

    def validate_interpreter_language(self, field):
        if self.needs_interpreter.data == "yes" and not (field.data or "").strip():
            raise StopValidation(_l("Enter the language you need an interpreter for"))


class ConsentForm(Form):
    sms = Choice(_l("Text messages"), choices=YES_NO,
                 required_message=_l("Choose yes or no for text messages"))
    evaluation = Choice(_l("Helping us make Together Time better"), choices=YES_NO,
                        required_message=_l("Choose yes or no for using your answers"))


class AboutYouForm(Form):
    """Every question may be skipped; "prefer not to say" is an answer of its own."""

    ethnic_group = Choice(_l("What is your ethnic group?"),
                          choices=choices.QUESTIONS["ethnic_group"])
    gender = Choice(_l("What is your gender?"), choices=choices.QUESTIONS["gender"])
    age_band = Choice(_l("How old are you?"), choices=choices.QUESTIONS["age_band"])
    relationship_status = Choice(_l("Are you in a relationship?"),
                                 choices=choices.QUESTIONS["relationship_status"])
    first_time_parent = Choice(_l("Is this your first baby?"),
                               choices=choices.QUESTIONS["first_time_parent"])
    heard_from = Choice(_l("Who suggested Together Time to you?"),
                        choices=choices.QUESTIONS["heard_from"])


class ChooseGroupForm(Form):
    group_id = IntegerField(validators=[DataRequired(_l("Choose a group"))])
    waiting = Choice(choices=[("yes", ""), ("no", "")])


class OfferForm(Form):
    answer = Choice(choices=[("accept", ""), ("decline", "")],
                    required_message=_l("Choose yes or no"))


class WalkInForm(BabyDatesMixin, Form):
    name = DetailsForm.name
    mobile = DetailsForm.mobile
    baby_name = DetailsForm.baby_name
    relationship = DetailsForm.relationship
    language = SelectField(_l("Language she would like us to use"), default="en")
    interpreter_language = StringField(_l("Needs an interpreter for (leave blank if not)"),
                                       validators=[Optional(), Length(max=60)])
    heard_from = heard_from_field(_l("Who suggested Together Time to her?"))
    sms = Choice(_l("She agrees to text messages"), choices=YES_NO,
                 required_message=_l("Choose yes or no for text messages"))
    override_reason = TextAreaField(
        _l("Reason for letting her join if she is not eligible"),
        validators=[Optional(), Length(max=1000, message=_l(
            "The reason must be 1000 characters or fewer"))],
        description=_l("Only needed if her postcode or baby's age does not fit this group."))

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_today(today)
        self.ignore_the_other_date()
        self.language.choices = language_choices()
        # Staff fill this in for her: the labels speak about her, not to her.
        self.name.label.text = _l("Parent's name")
        self.postcode.label.text = _l("Her postcode")
        self.mobile.description = _l("For example, 07123 456789")

    validate_mobile = DetailsForm.validate_mobile


class EnrolmentActionForm(Form):
    enrolment_id = IntegerField(validators=[DataRequired()])


class MoveForm(EnrolmentActionForm):
    group_id = SelectField(_l("Move to"), coerce=int, validate_choice=True)


def clean_text(value, limit):
    """Trimmed, single-spaced, no control characters (PostgreSQL refuses NUL), within the limit."""
    return re.sub(r"[\s\x00-\x1f\x7f]+", " ", value or "").strip()[:limit]


def clean_lines(value, limit):
    """Free text that may keep its line breaks, without other control characters."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", value or "").strip()[:limit]
