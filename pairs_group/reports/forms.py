"""The report filter form (a GET form: bookmarkable, no CSRF needed as it changes nothing)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from pairs_group.forms import Form
from pairs_group.i18n import LANGUAGES
from pairs_group.reports.filters import ReportFilter


class FilterForm(Form):
    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional()],
                      description=_l("Sessions on or after this day, groups that started on or "
                                     "after it."))
    end = DateField(_l("To"), validators=[Optional()])
    group = SelectField(_l("Group"), validate_choice=False)
    venue = SelectField(_l("Venue"), validate_choice=False)
    language = SelectField(_l("Parent's language"), validate_choice=False)

    def __init__(self, *args, groups=(), venues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.group.choices = [("", _l("All groups"))] + [(str(g.id), g.name) for g in groups]
        self.venue.choices = [("", _l("All venues"))] + [(str(v.id), v.name) for v in venues]
        self.language.choices = [("", _l("All languages"))] + [
            (code, language.native_name) for code, language in LANGUAGES.items()]

    def _check_choice(self, field, message):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(message)

    def validate_group(self, field):
        self._check_choice(field, _l("Choose a group from the list"))

    def validate_venue(self, field):
        self._check_choice(field, _l("Choose a venue from the list"))

    def validate_language(self, field):
        self._check_choice(field, _l("Choose a language from the list"))

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end date must be the same as or after the start date"))

    def to_filter(self):
        """The filter the form describes (call after validating)."""
        return ReportFilter(start=self.start.data, end=self.end.data,
                            group_id=int(self.group.data) if self.group.data else None,
                            venue_id=int(self.venue.data) if self.venue.data else None,
                            language=self.language.data or None)
