"""Forms: CSRF for every form, and helpers shared by the features' forms."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from wtforms import Field
from wtforms.validators import StopValidation

from pairs_group.form_messages import form_translations

csrf = CSRFProtect()


class Form(FlaskForm):
    """Every form of the app; WTForms' own messages come from our catalogue (form_messages)."""

    # Pages write {{ form.csrf_token }}; where CSRF protection is off (the tests' settings) the
    # form has no such field, and the templates' strict undefined would fail: it renders nothing.
    # With protection on, the field set on each form instance hides this.
    csrf_token = ""

    class Meta:
        def get_translations(self, form):
            return form_translations

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


def init_app(app):
    csrf.init_app(app)
