"""Forms: a parent's page of answers, a practitioner's entry form, a group's plan."""

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import DateField, IntegerField, RadioField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from pairs_group.forms import Form
from pairs_group.i18n import LANGUAGES, current_language
from pairs_group.questionnaires import instruments
from pairs_group.questionnaires.models import HelpKind


class AnswersForm(Form):
    """Only the CSRF token is a WTForms field: the items come from the instrument file, and
    their errors are (item field id, message) pairs in item_errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.item_errors = []

    @property
    def errors(self):
        found = dict(super().errors)
        found.update({field_id: [message] for field_id, message in self.item_errors})
        return found

    def error_list(self):
        return super().error_list() + self.item_errors


class SectionForm(AnswersForm):
    """One page of her questionnaire. Validating reads each of the page's items through
    instruments.read_answer (as the autosave and the staff entry form do) into `answers`
    ({item id: value}, None where she prefers not to answer); what she picked stays in
    `chosen`, to show again beside an error. With `require`, every choice item needs an answer
    (her Next; Back and Save keep a page half done)."""

    def __init__(self, *args, instrument, items, require=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument, self.items, self.require = instrument, items, require
        self.answers, self.chosen = {}, {}

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        posted, allow_missing = request.form, self.instrument.allow_missing
        allowed = {item.field_name for item in self.items}
        if any(key.startswith(instruments.FIELD_PREFIX) and key not in allowed for key in posted):
            self.item_errors.append((self.items[0].field_name, _(
                "We did not recognise one of the answers. Nothing was saved. Please try again.")))
            return False
        for item in self.items:
            self._read(item, posted.get(item.field_name), allow_missing)
        return not self.item_errors

    def _read(self, item, raw, allow_missing):
        if raw is not None:
            self.chosen[item.id] = (raw if item.type == "text" else None
                                    if raw == instruments.DECLINED else instruments.to_int(raw))
        try:
            value = instruments.read_answer(item, raw, allow_missing)
        except instruments.AnswerError as error:
            self.item_errors.append((item.field_name, answer_message(item, error)))
            return
        if value is not instruments.MISSING:
            self.answers[item.id] = value
        elif self.require and item.type != "text":
            self.item_errors.append((item.field_name, _(
                "Choose an answer to question %(number)s", number=item.id)))


def answer_message(item, error):
    if error.reason == error.TOO_LONG:
        return _("Please use %(count)d characters or fewer", count=item.max_length)
    return _("Choose one of the answers shown for question %(number)s", number=item.id)


class ActionForm(Form):
    """A button that changes something (reopen, send reminder, acknowledge): CSRF only."""


def in_language(texts, language):
    """File text wrapped with the language it is written in (data, not our words)."""
    code = language if language in texts else "en" if "en" in texts else next(iter(texts))
    return Markup('<span lang="%s">%s</span>') % (code, texts[code])


def item_label(instrument, item):
    if item.label:
        return in_language(item.label, current_language().code)
    return _l("Item %(number)s", number=item.id)


# WTForms' own messages for these mistakes, as the plain fields gave them (form_messages puts
# them in our words); named here so that message extraction does not take them for ours.
WTFORMS_NOT_A_CHOICE = "Not a valid choice."
WTFORMS_NOT_A_NUMBER = "Not a valid integer value."


class ItemAnswer:
    """A field whose posted text is read by instruments.read_answer, as on her own pages and
    in the autosave; the field's kind only chooses the words of the error."""

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item

    def process_formdata(self, valuelist):
        self.data = None
        try:
            value = instruments.read_answer(self.item, valuelist[0] if valuelist else None,
                                            allow_missing=False)
        except instruments.AnswerError as error:
            raise ValueError(self.message(error)) from None
        self.data = None if value is instruments.MISSING else value


class ItemRadios(ItemAnswer, RadioField):
    """A scale or choice item."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, validate_choice=False, **kwargs)
        self.type = "RadioField"  # rendered as the NHS.UK radios (macros/forms.html)

    def message(self, error):
        return self.gettext(WTFORMS_NOT_A_CHOICE)


class ItemNumber(ItemAnswer, IntegerField):
    """An integer item (the schema's only other kind the staff type in)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type = "IntegerField"  # rendered as the NHS.UK number input (macros/forms.html)

    def message(self, error):
        if error.reason == error.NOT_A_NUMBER:
            return self.gettext(WTFORMS_NOT_A_NUMBER)
        return _l("Enter a whole number from %(low)d to %(high)d", low=self.item.min,
                  high=self.item.max)


def entry_field(instrument, item):
    label = item_label(instrument, item)
    if item.type in ("scale", "choice"):
        choices = [SelectChoice(v, label_for(item, v)) for v in item.values]
        checks = [InputRequired(_l("Choose one"))] if item.required else [Optional()]
        return ItemRadios(label, item=item, coerce=int, choices=choices, validators=checks)
    checks = [InputRequired(_l("Enter a number"))] if item.required else [Optional()]
    return ItemNumber(label, item=item, validators=checks)


def label_for(item, value):
    """A choice's label from the file (e.g. LOAF levels), or just the number."""
    language = current_language().code
    texts = {code: labels[str(value)] for code, labels in item.labels.items()
             if str(value) in labels}
    return in_language(texts, language) if texts else str(value)


def entry_form_class(instrument):
    """A form with one field per item (named item-<id>, as on her pages), plus the rater and
    the date."""

    class EntryForm(Form):
        rater = StringField(_l("Rated by"), validators=[
            DataRequired(_l("Enter the name of the person who rated")), Length(max=120)])
        assessed_on = DateField(_l("Date of the rating"), validators=[
            InputRequired(_l("Enter the date, like 13/01/2027"))])

    for item in instrument.items:
        if item.type != "text":
            setattr(EntryForm, item.field_name, entry_field(instrument, item))
    return EntryForm


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PlanForm(Form):
    pre = MultiCheckboxField(_l("Before the group"), validate_choice=True)
    post = MultiCheckboxField(_l("After the group"), validate_choice=True)


ANOTHER_LANGUAGE = "other"
HELP_KINDS = {HelpKind.INTERPRETER: _l("An interpreter"),
              HelpKind.COLLEAGUE: _l("A bilingual colleague"),
              HelpKind.FACILITATOR: _l("I am helping her myself")}


class HelpForm(Form):
    """Before answering with her: the language spoken (the app's, or another typed in) and who
    helps."""

    language = RadioField(_l("Which language are you speaking with her?"), validators=[
        InputRequired(_l("Choose the language you are speaking with her"))])
    other_language = StringField(_l("If another language, which one?"), validators=[
        Length(max=40, message=_l("Use 40 characters or fewer"))])
    helper = RadioField(
        _l("Who is helping her answer?"),
        choices=[SelectChoice(str(kind), label) for kind, label in HELP_KINDS.items()],
        validators=[InputRequired(_l("Choose who is helping her answer"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [SelectChoice(code, Markup('<span lang="%s">%s</span>') % (
            code, language.native_name)) for code, language in LANGUAGES.items()] + [
            SelectChoice(ANOTHER_LANGUAGE, _l("Another language"))]

    def validate_other_language(self, field):
        if self.language.data == ANOTHER_LANGUAGE and not (field.data or "").strip():
            raise ValidationError(_l("Enter the language you are speaking with her"))

    def spoken(self):
        """The language code, or the other language's name as typed."""
        if self.language.data == ANOTHER_LANGUAGE:
            return (self.other_language.data or "").strip()
        return self.language.data
