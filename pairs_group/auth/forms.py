"""Staff sign-in form."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length

from pairs_group.forms import Form


class StaffSignInForm(Form):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address")),
                    Email(_l("Enter an email address like name@nhs.net")),
                    Length(max=254)],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
