"""Staff sign-in forms: password, then a code from an authenticator app; a new password from
a set-up link."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from pairs_group.auth.emails import StaffEmail
from pairs_group.forms import CodeField, Form


class StaffSignInForm(Form):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address")),
                    StaffEmail(_l("Enter an email address like name@nhs.net")),
                    Length(max=254)],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


class CodeForm(Form):
    code = CodeField(_l("Code from your authenticator app"),
                     _l("The 6 numbers your app shows for Together Time"),
                     missing=_l("Enter the 6 numbers from your authenticator app"),
                     wrong=_l("The code is 6 numbers"))


class ConfirmForm(Form):
    """A form with nothing to fill in but its CSRF token: a button that changes something."""


class SetUpForm(Form):
    """A new member of staff chooses a password on their set-up link."""

    password = PasswordField(
        _l("Choose a password"),
        description=_l("At least 12 characters. A few words you will remember is a good "
                       "password."),
        validators=[DataRequired(_l("Choose a password")), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Type the password again"),
        validators=[DataRequired(_l("Type the password again")),
                    EqualTo("password", _l("The two passwords are not the same"))],
        render_kw={"autocomplete": "new-password"},
    )
