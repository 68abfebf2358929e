"""The filter for the audit log page (sent by GET, so it is bookmarkable and needs no token)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional, ValidationError

from pairs_group.forms import Form


class AuditFilterForm(Form):
    class Meta:
        csrf = False  # a search that changes nothing

    who = StringField(_l("Who"), description=_l("An email address, or an id like staff:3"),
                      validators=[Optional(), Length(max=254)])
    action = StringField(_l("What they did"),
                         description=_l("The start of an action, like attendance or staff.sign_in"),
                         validators=[Optional(), Length(max=60)])
    since = DateField(_l("From"), validators=[Optional()],
                      description=_l("The first day to show"))
    until = DateField(_l("To"), validators=[Optional()], description=_l("The last day to show"))

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The last day must be the same as or after the first day"))
