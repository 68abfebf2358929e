"""Forms: CSRF for every form, and helpers shared by the features' forms."""

import re
from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from wtforms import DateField, Field, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    Length,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from pairs_group.form_messages import form_translations
from pairs_group.times import FIRST_DAY, LAST_DAY, day_in_range

csrf = CSRFProtect()


def without_nul(value):
    """PostgreSQL stores no NUL character in text (a 5xx there, a row on SQLite), and nobody
    types one: it goes from every field's data, in every form."""
    return value.replace("\x00", "") if isinstance(value, str) else value


class Form(FlaskForm):
    """Every form of the app; WTForms' own messages come from our catalogue (form_messages)."""

    # Pages write {{ form.csrf_token }}; where CSRF protection is off (the tests' settings) the
    # form has no such field, and the templates' strict undefined would fail: it renders nothing.
    # With protection on, the field set on each form instance hides this.
    csrf_token = ""

    class Meta:
        def get_translations(self, form):
            return form_translations

        def bind_field(self, form, unbound_field, options):
            filters = [*unbound_field.kwargs.get("filters", ()), without_nul]
            return unbound_field.bind(form=form, filters=filters, **options)

    def error_list(self):
        """(field id, message) for the error summary, in the order the fields appear."""
        found = []
        for field in self:
            for message in field.errors if isinstance(field.errors, list) else []:
                found.append((field.id, message))
        return found


DATE_PARTS = ("day", "month", "year")
DATE_PART_NAMES = {"day": _l("a day"), "month": _l("a month"), "year": _l("a year")}


class DatePartsField(Field):
    """A date typed as day, month and year boxes (the NHS date input); `data` is a date or None.

    Boxes are posted as name[day], name[month], name[year]; what she typed is kept in `parts`.
    """

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        self.data = self.object_data = data if isinstance(data, date) else None
        self.parts = {p: str(getattr(self.data, p)) for p in DATE_PARTS} if self.data else {}
        self.raw_data = None
        if formdata is not None:
            self.parts = {p: formdata.get(f"{self.name}[{p}]", "").strip()[:8] for p in DATE_PARTS}
            self.raw_data = [" ".join(self.parts.values()).strip()]
            self.data = self._parse()

    def _parse(self):
        if not any(self.parts.values()):
            return None
        missing = [p for p in DATE_PARTS if not self.parts[p]]
        if missing:
            self.process_errors.append(_l("%(label)s must include %(part)s",
                                          label=self.label.text, part=DATE_PART_NAMES[missing[0]]))
            return None
        try:
            day, month, year = (int(self.parts[p]) for p in DATE_PARTS)
            if not 1000 <= year <= 9999:
                raise ValueError
            return date(year, month, day)
        except ValueError:
            self.process_errors.append(_l("%(label)s must be a real date, like 27 3 2026",
                                          label=self.label.text))
            return None

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()

    def _value(self):
        return " ".join(self.parts.values())


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class QueryForm(Form):
    """A filter form sent by GET (bookmarkable; it changes nothing, so it needs no CSRF token).
    Build it with request.args; its fields check every value before it reaches a query."""

    class Meta:
        csrf = False

    def query_args(self):
        """The form's own arguments as she typed them (blank ones left out), for links that
        keep the filter: never the rest of the query string."""
        return {field.name: field.raw_data[0] for field in self
                if field.raw_data and field.raw_data[0].strip()}


class DayInRange:
    """A day the service can hold data for (times.FIRST_DAY to LAST_DAY, the same days as the
    command line's): 9999-12-31 once ran a London day's end past the end of the calendar."""

    def __call__(self, form, field):
        if field.data and not day_in_range(field.data):
            raise ValidationError(_l("Enter a date from %(min)s to %(max)s.",
                                     min=format_date(FIRST_DAY, "long"),
                                     max=format_date(LAST_DAY, "long")))


class NotBefore:
    """A range's last day is on or after its first (`first` names the other field); said only
    when the first day is itself right, so one mistake gives one message."""

    def __init__(self, first, message):
        self.first, self.message = first, message

    def __call__(self, form, field):
        first = form[self.first]
        if field.data and first.data and not first.errors and field.data < first.data:
            raise ValidationError(self.message)


class DayField(DateField):
    """A filter's day (a browser's date box sends YYYY-MM-DD): blank or spaces for any day,
    otherwise a real day in range; `after=(field name, message)` makes it a range's end."""

    def __init__(self, label=None, validators=(), after=None, **kwargs):
        chain = [Optional(), DayInRange(), *([NotBefore(*after)] if after else []), *validators]
        super().__init__(label, chain, **kwargs)


class ChoiceFilterField(SelectField):
    """A filter's list: one of its own values, blank for "all"; anything else (spaces, an id
    that is not in the list, a word) gets `message`, never reaches a query."""

    def __init__(self, label=None, message=None, **kwargs):
        super().__init__(label, default="", **kwargs)
        self.message = message

    def pre_validate(self, form):
        if self.data not in {str(value) for value, *_rest in self.choices}:
            raise ValidationError(self.message or _l("Choose one of the answers."))


class NoControlCharacters:
    """Typed text without control characters (escape codes, bells): nobody types them, so a
    search with one says so rather than looking (a NUL has already gone: without_nul)."""

    def __call__(self, form, field):
        if field.data and CONTROL_CHARACTERS.search(field.data):
            raise ValidationError(_l("Check what you entered."))


def code_digits(typed):
    """A typed 6-digit code as ASCII digits: spaces go ("123 456", as copied from a text or
    shown by an app), and any script's digits count (an Arabic-Indic keyboard's too)."""
    typed = "".join((typed or "").split())
    return "".join(str(int(c)) if c.isdecimal() else c for c in typed)


class CodeField(StringField):
    """A 6-digit code, texted to a parent or shown by a member of staff's authenticator app:
    one rule of what a code looks like, each page with its own words. `digits` is what to
    check (code_digits)."""

    def __init__(self, label, description, missing, wrong, **kwargs):
        super().__init__(
            label, description=description,
            validators=[DataRequired(missing), Length(max=20, message=wrong),
                        Regexp(r"^\s*(\d\s*){6}$", message=wrong)],
            render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                       "spellcheck": "false"}, **kwargs)

    @property
    def digits(self):
        return code_digits(self.data)


def init_app(app):
    csrf.init_app(app)
