"""The report filter form (a GET form: bookmarkable, no CSRF needed as it changes nothing)."""

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from pairs_group.forms import ChoiceFilterField, DayField, QueryForm
from pairs_group.i18n import LANGUAGES
from pairs_group.reports.filters import ANSWERED_ALONE, ANSWERED_WITH_HELP, ReportFilter


class FilterForm(QueryForm):
    start = DayField(_l("From"),
                     description=_l("Sessions on or after this day, groups that started on or "
                                    "after it."))
    end = DayField(_l("To"), after=(
        "start", _l("The end date must be the same as or after the start date")))
    group = ChoiceFilterField(_l("Group"), message=_l("Choose a group from the list"))
    venue = ChoiceFilterField(_l("Venue"), message=_l("Choose a venue from the list"))
    language = ChoiceFilterField(_l("Parent's language"),
                                 message=_l("Choose a language from the list"))
    answered = ChoiceFilterField(
        _l("How the questionnaires were answered"), message=_l("Choose one from the list"),
        description=_l("Answered alone or with help: ratings by staff are left out."),
        choices=[SelectChoice("", _l("All")), SelectChoice(ANSWERED_ALONE, _l("Answered alone")),
                 SelectChoice(ANSWERED_WITH_HELP, _l("Answered with help"))])

    def __init__(self, *args, groups=(), venues=(), **kwargs):
        """`groups` are (id, name, venue id) rows and `venues` (id, name), read by position: a
        SQLAlchemy row's attribute costs ~1 us, and the group list has hundreds."""
        super().__init__(*args, **kwargs)
        self.group.choices = [("", _l("All groups"))] + [
            (str(group_id), name) for group_id, name, _venue_id in groups]
        self.venue.choices = [("", _l("All venues"))] + [
            (str(venue_id), name) for venue_id, name in venues]
        self.language.choices = [("", _l("All languages"))] + [
            (code, language.native_name) for code, language in LANGUAGES.items()]

    def to_filter(self):
        """The filter the form describes (call after validating)."""
        return ReportFilter(start=self.start.data, end=self.end.data,
                            group_id=int(self.group.data) if self.group.data else None,
                            venue_id=int(self.venue.data) if self.venue.data else None,
                            language=self.language.data or None,
                            answered=self.answered.data or None)
