"""The app's own words in the shipped instrument files, translated with the rest of the app.

A short title ("Thinking about your baby") and the PRFQ's instructions were written by us, not
taken from the instrument, so they may be translated; items and answer choices may not (only a
published, validated translation of them is shown). PHQ-9's and GAD-7's instructions are the
published wording: they are not here, and stay with the items' language.
"""

from flask_babel import gettext

from pairs_group.form_messages import N_
from pairs_group.i18n import current_language

OUR_WORDS = frozenset({
    N_("Thinking about your baby"),
    N_("Below are sentences about you and your child. Choose how much you agree with each "
       "one."),
    N_("Tell us about Together Time"),
    N_("You and your baby"),
    N_("How you have been feeling"),
    N_("Feeling worried"),
})


def in_language(texts, language):
    """(text, the language it is in) of a file's own words: the file's text in this language;
    else, for our words on a page in this language, our catalogue's translation; else English
    (or the file's first language)."""
    if language in texts:
        return texts[language], language
    english = texts.get("en")
    if english in OUR_WORDS and current_language().code == language:
        return gettext(english), language
    code = "en" if english is not None else next(iter(texts))
    return texts[code], code
