"""The glossary (translations/glossary.csv, explained in translations/GLOSSARY.md): each
language calls a group, a session, the facilitator, the questionnaire, "I can't come", the
waiting list, signing in and out, leaving a group and the code by one word, so that a mother
meets the same word on every page. A translation whose English has a glossary term must use
that language's word (any inflection: each word is a pattern).

The pages' strings are checked here. The texts' own wordings are not: a discreet text avoids
"group" and "session" on purpose, and each text has a segment budget (test_sms_segments)."""

import csv
import re

import pytest
from babel.messages.extract import extract_from_file

from pairs_group.i18n_cli import CATALOGUES, ROOT
from tests.test_catalogues import KEYWORDS, PLACEHOLDER, TRANSLATED, catalogue

GLOSSARY = CATALOGUES / "glossary.csv"


def texts_wordings():
    """The msgids of the texts: every string of a module that defines a kind of text."""
    modules = [path for path in (ROOT / "pairs_group").rglob("*.py")
               if "MessageKind(" in path.read_text(encoding="utf-8")]
    found = set()
    for module in modules:
        for _line, message, _comments, _context in extract_from_file(
                "python", module, keywords=KEYWORDS):
            found.update(message if isinstance(message, tuple) else (message,))
    return found


def glossary():
    """{term: {language: (word, compiled pattern)}}, English included."""
    terms = {}
    with GLOSSARY.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, restkey="unquoted"):
            assert "unquoted" not in row, f"quote a pattern with a comma: {row}"
            terms.setdefault(row["term"], {})[row["language"]] = (
                row["word"], re.compile(row["pattern"], re.IGNORECASE))
    return terms


def pairs(code):
    """(English, translation) for every string and plural form of a catalogue's pages."""
    found, texts = [], texts_wordings()
    for message in catalogue(code):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if not message.id or ids[0] in texts:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        found += [(ids[min(n, len(ids) - 1)], string) for n, string in enumerate(strings)]
    return found


def off_glossary(translations, code, terms):
    """Each translation of an English glossary term that does not use the language's word."""
    wrong = []
    for term, words in terms.items():
        english, (word, pattern) = words["en"][1], words[code]
        wrong += [f"{term} -> {word!r}: {text!r} => {string!r}" for text, string in translations
                  if english.search(PLACEHOLDER.sub("", text)) and not pattern.search(string)]
    return wrong


def test_the_glossary_gives_every_term_a_word_in_every_language():
    missing = [f"{term}: {code}" for term, words in glossary().items()
               for code in ["en", *TRANSLATED] if code not in words]
    assert not missing, f"add to translations/glossary.csv: {missing}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_translation_uses_the_glossary_words(code):
    wrong = off_glossary(pairs(code), code, glossary())
    assert not wrong, f"{code}: {len(wrong)} translations off the glossary:\n" + "\n".join(wrong)


def test_the_glossary_check_finds_a_translation_that_uses_another_word():
    terms = {"waiting list": {"en": ("waiting list", re.compile(r"waiting list")),
                              "pt": ("lista de espera", re.compile(r"lista de espera"))}}
    text = "Join the waiting list"
    assert not off_glossary([(text, "Entrar na lista de espera")], "pt", terms)
    assert off_glossary([(text, "Entrar na fila")], "pt", terms) == [
        "waiting list -> 'lista de espera': 'Join the waiting list' => 'Entrar na fila'"]


@pytest.mark.parametrize("code", TRANSLATED)
def test_signing_out_and_leaving_the_group_are_different_words(code):
    sign_out = dict(pairs(code))["Sign out"]
    word, leave = glossary()["leave group"][code]
    assert not leave.search(sign_out), f"{code}: 'Sign out' is {sign_out!r}, like {word!r}"
