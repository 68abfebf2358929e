"""Forms of a parent's account pages."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, RadioField, TelField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from pairs_group.account.codes import normalise_mobile
from pairs_group.forms import CodeField, Form
from pairs_group.i18n import LANGUAGES


class MobileForm(Form):
    mobile = TelField(
        _l("Mobile phone number"),
        description=_l("The number you gave when you joined. We will text you a code."),
        validators=[DataRequired(_l("Enter your mobile phone number")),
                    Length(max=40, message=_l("A mobile number is not that long"))],
        render_kw={"autocomplete": "tel", "spellcheck": "false"},
    )

    def validate_mobile(self, field):
        self.e164 = normalise_mobile(field.data)
        if self.e164 is None:
            raise ValidationError(_l("Enter a UK mobile number, like 07700 900123"))


class SignInForm(MobileForm):
    """Her number, to text a code to."""


class NewMobileForm(MobileForm):
    mobile = TelField(
        _l("Your new mobile phone number"),
        description=_l("We will text a code to this number to check it is yours."),
        validators=MobileForm.mobile.kwargs["validators"],
        render_kw={"autocomplete": "tel", "spellcheck": "false"},
    )


class CodeForm(Form):
    code = CodeField(_l("Code"), _l("The 6 numbers in the text we sent you."),
                     missing=_l("Enter the code from the text"),
                     wrong=_l("The code has 6 numbers"))


class SignInCodeForm(CodeForm):
    remember = BooleanField(_l("Remember this phone for 30 days (not on a shared phone)"))


class CantComeForm(Form):
    reason = TextAreaField(
        _l("Why can't you come? (optional)"),
        description=_l("You do not have to tell us. It helps the group leader to know."),
        validators=[Optional(), Length(max=500, message=_l(
            "Please keep this shorter (500 characters at most)"))],
    )


class ConfirmForm(Form):
    """A button that needs only the CSRF token."""


def language_choices():
    return [SelectChoice(code, language.native_name, render_kw={"lang": code})
            for code, language in LANGUAGES.items()]


class SettingsForm(Form):
    language = RadioField(_l("Language"), choices=language_choices(),
                          validators=[DataRequired(_l("Choose a language"))])
    texts = RadioField(
        _l("Text messages"),
        choices=[SelectChoice("on", _l("Yes, send me texts about my group")),
                 SelectChoice("off", _l("No, do not send me texts"))],
        validators=[DataRequired(_l("Choose yes or no for texts"))])
    discreet = BooleanField(
        _l("Use discreet texts that do not say what the group is (for a shared phone)"))
    email = EmailField(
        _l("Email address (optional)"),
        validators=[Optional(), Length(max=254, message=_l("An email address is not that long")),
                    Email(_l("Enter an email address like name@example.com"))],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


class DeleteAccountForm(Form):
    confirm = BooleanField(
        _l("I understand my account will be deleted and this cannot be undone"),
        validators=[DataRequired(_l("Tick the box to say you understand"))])
