"""WTForms' built-in messages, reworded for parents and translated in our own catalogue.

WTForms ships no Somali catalogue, and its English ("Field must be at least 2 characters long")
is not how we speak. Forms ask WTForms for translations (pairs_group.forms.Form.Meta); this
answers from translations/, so translators see these messages with all the others.
"""

from flask_babel import get_translations


def N_(message):
    """Marks a message for extraction; it is translated when a form asks for it."""
    return message


def plural(singular, plural_form):
    """Marks a singular/plural pair for extraction (pybabel -k plural:1,2)."""
    return singular, plural_form


TRY_AGAIN = N_("Something went wrong. Please try again.")
CHOOSE = N_("Choose one of the answers.")

# WTForms' English -> ours. Placeholders are the ones WTForms fills in (min, max, values...).
MESSAGES = {
    "This field is required.": N_("Please answer this question."),
    "Invalid input.": N_("Check what you entered."),
    "Invalid email address.": N_("Enter an email address, like name@example.com"),
    "Invalid URL.": N_("Enter a web address, like https://www.nhs.uk"),
    "Invalid IP address.": N_("Check what you entered."),
    "Invalid Mac address.": N_("Check what you entered."),
    "Invalid UUID.": N_("Check what you entered."),
    "Field must be equal to %(other_name)s.": N_("This must match %(other_name)s."),
    "Field must be between %(min)d and %(max)d characters long.":
        N_("Enter between %(min)d and %(max)d characters."),
    "Number must be at least %(min)s.": N_("Enter a number of %(min)s or more."),
    "Number must be at most %(max)s.": N_("Enter a number of %(max)s or less."),
    "Number must be between %(min)s and %(max)s.":
        N_("Enter a number from %(min)s to %(max)s."),
    "Date must be at least %(min)s.": N_("Enter a date on or after %(min)s."),
    "Date must be at most %(max)s.": N_("Enter a date on or before %(max)s."),
    "Date must be between %(min)s and %(max)s.":
        N_("Enter a date from %(min)s to %(max)s."),
    "Invalid value, must be one of: %(values)s.": N_("Choose one of these: %(values)s."),
    "Invalid value, can't be any of: %(values)s.": N_("Enter a different answer."),
    "This field cannot be edited.": N_("This cannot be changed."),
    "This field is disabled and cannot have a value.": N_("This cannot be changed."),
    "Invalid CSRF Token.": TRY_AGAIN,
    "CSRF token missing.": TRY_AGAIN,
    "CSRF failed.": TRY_AGAIN,
    "CSRF token expired.": TRY_AGAIN,
    "Invalid Choice: could not coerce.": CHOOSE,
    "Choices cannot be None.": CHOOSE,
    "Not a valid choice.": CHOOSE,
    "'%(value)s' is not a valid choice for this field.": CHOOSE,
    "'%(value)s' are not valid choices for this field.": CHOOSE,
    "Invalid choice(s): one or more data inputs could not be coerced.": CHOOSE,
    "Not a valid datetime value.": N_("Enter a real date and time."),
    "Not a valid date value.": N_("Enter a real date."),
    "Not a valid time value.": N_("Enter a real time, like 10:30."),
    "Not a valid week value.": N_("Enter a real week."),
    "Not a valid integer value.": N_("Enter a whole number, like 12."),
    "Not a valid decimal value.": N_("Enter a number, like 2.5."),
    "Not a valid float value.": N_("Enter a number, like 2.5."),
}

PLURALS = {
    "Field must be at least %(min)d character long.": plural(
        "Enter at least %(min)d character.", "Enter at least %(min)d characters."),
    "Field cannot be longer than %(max)d character.": plural(
        "Enter %(max)d character or fewer.", "Enter %(max)d characters or fewer."),
    "Field must be exactly %(max)d character long.": plural(
        "Enter exactly %(max)d character.", "Enter exactly %(max)d characters."),
}

# email-validator explains a bad address in its own English: we say it our way.
EMAIL = MESSAGES["Invalid email address."]


class FormTranslations:
    """What WTForms calls for its messages; it fills in the placeholders itself."""

    def gettext(self, string):
        if not isinstance(string, str):  # an email-validator error, not a message
            string = "Invalid email address."
        if "%s" in string:  # "Invalid field name '%s'.": a programming mistake, not for parents
            return string
        ours = MESSAGES.get(string, MESSAGES["Invalid input."])
        return get_translations().ugettext(ours)

    def ngettext(self, singular, plural_form, n):
        ours = PLURALS.get(singular)
        if ours is None:
            return self.gettext(singular if n == 1 else plural_form)
        return get_translations().ungettext(ours[0], ours[1], n)


form_translations = FormTranslations()
