"""Staff forms for groups, venues and sessions."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from pairs_group.db import utcnow
from pairs_group.forms import DayInRange, Form
from pairs_group.geo.service import normalise_postcode, postcode_district
from pairs_group.i18n import LANGUAGES
from pairs_group.times import london_moment

# Parents see the group's day from its schedule, in their own language: an English day in the
# name would stand untranslated on every language's page (and go stale if the group moves).
DAY_WORDS = re.compile(r"\b((mon|tues|wednes|thurs|fri|satur|sun)days?|tues|weds|thurs)\b", re.I)


def no_day_words(_form, field):
    if DAY_WORDS.search(field.data or ""):
        raise ValidationError(_("Take the day out of the name: parents see the day from the "
                                "schedule, in their own language"))


class GroupForm(Form):
    name = StringField(_l("Group name"), validators=[
        DataRequired(_l("Enter a name for the group")), Length(max=200), no_day_words])
    venue_id = SelectField(_l("Venue"), coerce=int, validators=[
        InputRequired(_l("Choose a venue"))])
    first_day = DateField(_l("Date of the first session"), validators=[
        InputRequired(_l("Enter the date of the first session, like 13/01/2027")),
        DayInRange()])
    start_time = TimeField(_l("Start time"), validators=[
        InputRequired(_l("Enter the start time, like 10:00"))])
    session_count = IntegerField(_l("Number of weekly sessions"), default=8, validators=[
        InputRequired(_l("Enter the number of sessions")),
        NumberRange(1, 52, _l("Enter a number of sessions from 1 to 52"))])
    duration_minutes = IntegerField(_l("Length of each session in minutes"), default=90,
                                    validators=[
        InputRequired(_l("Enter how long each session lasts")),
        NumberRange(15, 480, _l("Enter a length from 15 to 480 minutes"))])
    capacity = IntegerField(_l("Places"), default=10, validators=[
        InputRequired(_l("Enter the number of places")),
        NumberRange(1, 200, _l("Enter a number of places from 1 to 200"))])
    languages = SelectMultipleField(_l("Languages spoken in the group"), default=["en"],
                                    validators=[
        DataRequired(_l("Choose at least one language"))])
    facilitator_ids = SelectMultipleField(_l("Facilitators"), coerce=int)
    postcode_areas = TextAreaField(
        _l("Postcode areas"), validators=[Optional(), Length(max=5000)],
        description=_l("Postcode districts or sectors, like SW9 or SE5 8. Leave blank for the "
                       "service's usual areas."))
    min_baby_age_weeks = IntegerField(_l("Youngest baby's age in weeks at the first session"),
                                      validators=[Optional(), NumberRange(0, 260)])
    max_baby_age_weeks = IntegerField(_l("Oldest baby's age in weeks at the first session"),
                                      validators=[Optional(), NumberRange(0, 260)])
    accepts_pregnant = BooleanField(_l("Parents who are pregnant can join"), default=True)

    def __init__(self, *args, venues=(), facilitators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.venue_id.choices = [(v.id, v.name) for v in venues]
        self.languages.choices = [(code, lang.native_name) for code, lang in LANGUAGES.items()]
        self.facilitator_ids.choices = [(u.id, u.name or u.email) for u in facilitators]

    def validate_max_baby_age_weeks(self, field):
        low = self.min_baby_age_weeks.data
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError(_l("The oldest age must be the same as or more than the "
                                     "youngest"))


def seen_version(field):
    """The version the edit page was opened at, as posted (0, never a row's, for anything odd
    or missing)."""
    raw = field.raw_data[0].strip() if field.raw_data else ""
    return int(raw) if raw.isdigit() and len(raw) < 10 else 0


class EditGroupForm(GroupForm):
    """The create form's fields and checks, and the version of the group she started from."""

    version = HiddenField()


def tidy_postcode(value):
    """'sw9  9aa' as 'SW9 9AA'; anything that is not a postcode is kept as typed."""
    if not value or not postcode_district(value):
        return value.strip() if value else value
    squashed = normalise_postcode(value)
    return f"{squashed[:-3]} {squashed[-3:]}"


NOTE_HINT = _l("Added to the text to parents in your words, not translated. Keep it short.")


class VenueForm(Form):
    name = StringField(_l("Venue name"), validators=[
        DataRequired(_l("Enter the venue's name")), Length(max=200)])
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=400)])
    postcode = StringField(_l("Postcode"), filters=[tidy_postcode], validators=[Optional()])
    access_notes = TextAreaField(_l("Access notes"), validators=[Optional(), Length(max=2000)],
                                 description=_l("For example: step-free entrance, buggy park."))

    def validate_postcode(self, field):
        if field.data and not postcode_district(field.data):
            raise ValidationError(_l("Enter a real UK postcode, like SW9 9AA"))


class EditVenueForm(VenueForm):
    version = HiddenField()


def note_fits(field, room):
    """False, with an error on the note, when only `room` of its characters fit in the texts
    to parents (room None: it all fits)."""
    if room is None:
        return True
    field.errors = list(field.errors) + [
        _("The text to parents has no room for a note. Leave it empty and tell them another "
          "way.") if room == 0 else
        _("With this note the text to parents would be too long. Make the note %(count)d "
          "characters or fewer.", count=room)]
    return False


class MoveSessionForm(Form):
    day = DateField(_l("New date"), validators=[InputRequired(_l("Enter the new date"))])
    at = TimeField(_l("New start time"), validators=[InputRequired(_l("Enter the new start time"))])
    venue_id = SelectField(_l("Venue"), coerce=int, validators=[Optional()])
    note = TextAreaField(_l("Note for parents"), validators=[Optional(), Length(max=300)],
                         description=NOTE_HINT)

    def __init__(self, *args, venues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.venue_id.choices = [(0, _l("Same venue as usual"))] + [(v.id, v.name) for v in venues]

    def validate_at(self, field):
        """A time already begun is refused: parents could not be told before it."""
        if self.day.data and field.data and london_moment(self.day.data, field.data) <= utcnow():
            raise ValidationError(_l("This time has already started. Choose a date and time "
                                     "still to come, so parents can be told."))


class CancelSessionForm(Form):
    note = TextAreaField(_l("Reason, for parents"), validators=[Optional(), Length(max=300)],
                         description=NOTE_HINT)
