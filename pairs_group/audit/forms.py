"""The filter for the audit log page (sent by GET, so it is bookmarkable and needs no token)."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length, Optional

from pairs_group.forms import DayField, NoControlCharacters, QueryForm


def stripped(value):
    return value.strip() if isinstance(value, str) else value


class AuditFilterForm(QueryForm):
    who = StringField(_l("Who"), description=_l("An email address, or an id like staff:3"),
                      filters=[stripped],
                      validators=[Optional(), Length(max=254), NoControlCharacters()])
    action = StringField(_l("What they did"),
                         description=_l("The start of an action, like attendance or staff.sign_in"),
                         filters=[stripped],
                         validators=[Optional(), Length(max=60), NoControlCharacters()])
    since = DayField(_l("From"), description=_l("The first day to show"))
    until = DayField(_l("To"), description=_l("The last day to show"), after=(
        "since", _l("The last day must be the same as or after the first day")))
