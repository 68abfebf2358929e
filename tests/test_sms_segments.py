"""Segments: the GSM-7 table checked against 3GPP TS 23.038, and every kind of text in every
language within its budget (run again with the compiled catalogues: it renders through gettext)."""

import pytest

from pairs_group import (
    create_app,
    features,  # noqa: F401 - every feature registers its kinds on import
)
from pairs_group.i18n import LANGUAGES
from pairs_group.sms.messages import KINDS
from pairs_group.sms.segments import GSM7_BASIC, GSM7_EXTENSION, count_segments
from pairs_group.sms.service import render_example
from tests.sms_examples import long_details

# 3GPP TS 23.038 default alphabet, by code point (0x1B is the escape to the extension table).
STANDARD = {
    0x00: "@", 0x01: "£", 0x02: "$", 0x03: "¥", 0x04: "è", 0x05: "é", 0x06: "ù", 0x07: "ì",
    0x08: "ò", 0x09: "Ç", 0x0A: "\n", 0x0B: "Ø", 0x0C: "ø", 0x0D: "\r", 0x0E: "Å", 0x0F: "å",
    0x10: "Δ", 0x11: "_", 0x12: "Φ", 0x13: "Γ", 0x14: "Λ", 0x15: "Ω", 0x16: "Π", 0x17: "Ψ",
    0x18: "Σ", 0x19: "Θ", 0x1A: "Ξ", 0x1C: "Æ", 0x1D: "æ", 0x1E: "ß", 0x1F: "É", 0x20: " ",
    0x24: "¤", 0x40: "¡", 0x5B: "Ä", 0x5C: "Ö", 0x5D: "Ñ", 0x5E: "Ü", 0x5F: "§", 0x60: "¿",
    0x7B: "ä", 0x7C: "ö", 0x7D: "ñ", 0x7E: "ü", 0x7F: "à",
}
EXTENSION = {0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\", 0x3C: "[", 0x3D: "~",
             0x3E: "]", 0x40: "|", 0x65: "€"}


def test_the_basic_table_matches_the_standard():
    assert len(GSM7_BASIC) == 128
    for code, character in STANDARD.items():
        assert GSM7_BASIC[code] == character, hex(code)
    for code in range(0x21, 0x7B):  # ASCII where the standard keeps it
        if code not in STANDARD:
            assert GSM7_BASIC[code] == chr(code), hex(code)


def test_the_extension_table_matches_the_standard():
    assert set(GSM7_EXTENSION) == set(EXTENSION.values())


@pytest.mark.parametrize("text, encoding, segments", [
    ("a" * 160, "GSM-7", 1), ("a" * 161, "GSM-7", 2), ("a" * 306, "GSM-7", 2),
    ("a" * 307, "GSM-7", 3), ("€" * 80, "GSM-7", 1), ("€" * 81, "GSM-7", 2),
    ("ç" * 70, "UCS-2", 1), ("ç" * 71, "UCS-2", 2), ("ç" * 134, "UCS-2", 2),
    ("Don’t", "UCS-2", 1), ("a – b", "UCS-2", 1), ("`", "UCS-2", 1), ("😀" * 35, "UCS-2", 1),
    ("😀" * 36, "UCS-2", 2),
])
def test_segment_counts(text, encoding, segments):
    counted = count_segments(text)
    assert (counted.encoding, counted.segments) == (encoding, segments)


@pytest.fixture(scope="module")
def plain_app(tmp_path_factory):
    """No database needed: only the words."""
    return create_app({"TESTING": True, "SECRET_KEY": "x",
                       "DATABASE_URL": "sqlite:///" + str(tmp_path_factory.mktemp("seg") / "x")})


CASES = [(kind, code, discreet) for kind in sorted(KINDS) for code in LANGUAGES
         for discreet in (False, True)]


def test_every_registered_kind_is_checked(plain_app):
    checked = {kind for kind, _code, _discreet in CASES}
    assert checked == set(KINDS), "a kind was registered after the list was made"
    assert {"reminder", "session_cancelled", "session_moved", "welcome", "sign_in_code",
            "referral_invitation", "referral_reminder", "referral_outcome"} <= checked


@pytest.mark.parametrize("kind, code, discreet", CASES)
def test_every_text_in_every_language_fits_in_two_segments(plain_app, kind, code, discreet):
    """With the longest venue name in the demo, a texted link and the language's longest date."""
    with plain_app.test_request_context():
        text = render_example(kind, code, discreet=discreet, **long_details(code))
    counted = count_segments(text)
    assert text.strip()
    assert counted.segments <= min(KINDS[kind].budget, 2), (
        f"{kind} in {code}: {counted.segments} segments ({counted.encoding}, "
        f"{counted.characters} units): {text}")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_english_words_use_plain_punctuation(plain_app, kind):
    with plain_app.test_request_context():
        text = render_example(kind, "en")
    assert count_segments(text).encoding == "GSM-7", text
