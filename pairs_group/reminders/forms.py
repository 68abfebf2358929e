"""Staff form for a group's reminder times (up to three)."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, TimeField
from wtforms.validators import NumberRange, Optional

from pairs_group.forms import Form
from pairs_group.reminders.models import MAX_DAYS_BEFORE

ROWS = 3


class ReminderTimesForm(Form):
    days_1 = IntegerField(_l("First reminder: days before the session"), validators=[
        Optional(), NumberRange(0, MAX_DAYS_BEFORE, _l("Enter a number of days from 0 to 14"))])
    at_1 = TimeField(_l("First reminder: time"), validators=[Optional()])
    days_2 = IntegerField(_l("Second reminder: days before the session"), validators=[
        Optional(), NumberRange(0, MAX_DAYS_BEFORE, _l("Enter a number of days from 0 to 14"))])
    at_2 = TimeField(_l("Second reminder: time"), validators=[Optional()])
    days_3 = IntegerField(_l("Third reminder: days before the session"), validators=[
        Optional(), NumberRange(0, MAX_DAYS_BEFORE, _l("Enter a number of days from 0 to 14"))])
    at_3 = TimeField(_l("Third reminder: time"), validators=[Optional()])

    def pairs(self):
        return [(self[f"days_{n}"].data, self[f"at_{n}"].data) for n in range(1, ROWS + 1)
                if self[f"days_{n}"].data is not None and self[f"at_{n}"].data is not None]

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for n in range(1, ROWS + 1):
            days, at = self[f"days_{n}"], self[f"at_{n}"]
            if days.data is not None and at.data is None and not at.errors:
                at.errors.append(_l("Enter a time, like 10:00"))
                valid = False
            if at.data is not None and days.data is None and not days.errors:
                days.errors.append(_l("Enter how many days before (0 means on the day)"))
                valid = False
        if valid and not self.pairs():
            self.days_1.errors.append(_l("Enter at least one reminder time"))
            valid = False
        return valid
