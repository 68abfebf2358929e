"""The translation catalogues: complete, current, and with their placeholders intact.

The two tests marked "translators" fail until every language's catalogue holds a translation
of every string the code has now: they run on every test run and say, per language, what is
missing. When the translators are done (`flask translate update`, translate, `compile`),
they pass and pytest reports "XPASS(strict)" as a failure: then remove the marks.
"""

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from pairs_group import i18n_cli
from pairs_group.form_messages import MESSAGES, PLURALS
from pairs_group.i18n import LANGUAGES, shipped_languages
from pairs_group.i18n_cli import CATALOGUES, ROOT

PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0\- +]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa%])")
TRANSLATED = sorted(code for code in LANGUAGES if code != "en")
# As `flask translate extract` calls pybabel: its default keywords plus the project's own.
KEYWORDS = {**DEFAULT_KEYWORDS, **i18n_cli.KEYWORDS}


def catalogue(code):
    with (CATALOGUES / code / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=code)


def messages_in_code():
    """Every msgid the code has now, as `flask translate extract` would find them."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def placeholders(text):
    return sorted((name or "", kind) for name, kind in PLACEHOLDER.findall(text or "")
                  if kind != "%")


def test_the_seven_languages_are_offered_in_their_own_names_and_directions():
    assert [(lang.code, lang.native_name, lang.direction) for lang in LANGUAGES.values()] == [
        ("en", "English", "ltr"), ("pt", "Português", "ltr"), ("es", "Español", "ltr"),
        ("pl", "Polski", "ltr"), ("fr", "Français", "ltr"), ("so", "Soomaali", "ltr"),
        ("ar", "العربية", "rtl")]


def test_a_new_catalogue_is_all_it_takes_to_offer_a_language(tmp_path):
    (tmp_path / "ur" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "ur" / "LC_MESSAGES" / "messages.po").write_text("")
    languages = shipped_languages(tmp_path)
    assert list(languages) == ["en", "ur"]
    assert languages["ur"].direction == "rtl" and languages["ur"].native_name == "اردو"


def test_every_catalogue_has_every_string_of_the_code():
    wanted = messages_in_code()
    gaps = {}
    for code in TRANSLATED:
        have = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalogue(code) if m.id}
        if wanted - have:
            gaps[code] = sorted(wanted - have)
    assert not gaps, "run `flask --app wsgi translate update`; missing: " + "; ".join(
        f"{code}: {len(ids)} (e.g. {ids[0]!r})" for code, ids in gaps.items())


def test_no_catalogue_has_an_untranslated_or_fuzzy_entry():
    report = {}
    for code in TRANSLATED:
        entries = [m for m in catalogue(code) if m.id]
        empty = [m.id for m in entries if not all(m.string if isinstance(m.string, tuple)
                                                  else [m.string])]
        fuzzy = [m.id for m in entries if m.fuzzy]
        if empty or fuzzy:
            report[code] = f"{len(empty)} untranslated, {len(fuzzy)} fuzzy of {len(entries)}"
    assert not report, "translations to do: " + "; ".join(f"{c}: {r}" for c, r in report.items())


@pytest.mark.parametrize("code", TRANSLATED)
def test_placeholders_are_the_same_in_every_translation(code):
    wrong = []
    for message in catalogue(code):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = placeholders(ids[-1])
        for string in strings:
            if string and placeholders(string) != expected:
                wrong.append(f"{ids[0]!r} -> {string!r}")
    assert not wrong, f"{code}: placeholders differ:\n" + "\n".join(wrong)


def test_the_placeholder_check_catches_a_renamed_or_dropped_name():
    assert placeholders("%(count)d places") != placeholders("%(número)d lugares")
    assert placeholders("Hello %(name)s") != placeholders("Olá")
    assert placeholders("%(count)d places, 100%%") == placeholders("%(count)d lugares, 100%%")


def test_strings_use_named_placeholders_only():
    positional = sorted(m for m in messages_in_code() if ("", "s") in placeholders(m)
                        or ("", "d") in placeholders(m))
    assert not positional, f"use %(name)s, not %s: {positional}"


def test_every_wtforms_message_has_our_own_wording():
    pot = Path(__import__("wtforms").__file__).parent / "locale" / "wtforms.pot"
    with pot.open("rb") as handle:
        theirs = [m.id for m in read_po(handle) if m.id]
    ours = set(MESSAGES) | set(PLURALS)
    missing = [m for m in theirs if (m[0] if isinstance(m, tuple) else m) not in ours
               and "%s" not in str(m)]
    assert not missing, f"WTForms messages with no wording in form_messages.py: {missing}"
