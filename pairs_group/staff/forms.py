"""Admins' forms for staff accounts: a new person, and a person's role and groups."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, RadioField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from pairs_group.auth.emails import StaffEmail
from pairs_group.auth.models import Role
from pairs_group.forms import Form

ROLE_NAMES = {
    Role.FACILITATOR: _l("Facilitator"),
    Role.ADMIN: _l("Admin"),
    Role.EVALUATOR: _l("Evaluator"),
}
ROLE_HINTS = {
    Role.FACILITATOR: _l("Runs groups: sees the registers, questionnaires and texts of her groups"),
    Role.ADMIN: _l("Runs the service: every group, staff accounts and the audit log"),
    Role.EVALUATOR: _l("Sees the reports and exports only"),
}


# Made in the order the new-person page asks them (WTForms keeps fields in creation order, which
# is also the error summary's order).
NAME = StringField(_l("Full name"), validators=[
    DataRequired(_l("Enter their full name")), Length(max=120)])
EMAIL = EmailField(
    _l("Work email address"),
    validators=[DataRequired(_l("Enter their email address")),
                StaffEmail(_l("Enter an email address like name@nhs.net")), Length(max=254)],
    render_kw={"autocomplete": "off", "spellcheck": "false"})
ROLE = RadioField(_l("Role"), validators=[InputRequired(_l("Choose a role"))],
                  choices=[SelectChoice(role.value, ROLE_NAMES[role],
                                        render_kw={"hint": ROLE_HINTS[role]})
                           for role in Role])
GROUPS = SelectMultipleField(
    _l("Groups they run"), coerce=int,
    description=_l("Facilitators see only these groups. Admins see every group."))


class RoleAndGroupsForm(Form):
    role = ROLE
    group_ids = GROUPS

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.group_ids.choices = [SelectChoice(group.id, group.name) for group in groups]

    def validate_group_ids(self, field):
        if field.data and self.role.data == Role.EVALUATOR:
            raise ValidationError(_l("Evaluators do not run groups: untick the groups or choose "
                                "another role"))


class NewPersonForm(RoleAndGroupsForm):
    name = NAME
    email = EMAIL
