"""How many SMS segments a text costs: GSM-7 (3GPP TS 23.038) or UCS-2."""

import math
from dataclasses import dataclass

# The GSM 03.38 default alphabet, in code order (0x00-0x7F). 0x1B is the escape to the extension
# table and is not a character of its own; 0x5F is the section sign, not a backtick.
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "\f^{}\\[~]|€"

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


@dataclass(frozen=True)
class SegmentCount:
    encoding: str  # "GSM-7" or "UCS-2"
    characters: int  # in the encoding's units (GSM-7 septets, UCS-2 code units)
    segments: int


def gsm7_length(text):
    """Septets needed for text in GSM-7, or None if a character is not in GSM-7."""
    length = 0
    for character in text:
        if character in GSM7_EXTENSION:
            length += 2
        elif character in GSM7_BASIC and character != "\x1b":
            length += 1
        else:
            return None
    return length


def count_segments(text):
    """The encoding a phone network will use for text, and how many segments it takes."""
    septets = gsm7_length(text)
    if septets is not None:
        parts = 1 if septets <= GSM7_SINGLE else math.ceil(septets / GSM7_PART)
        return SegmentCount("GSM-7", septets, parts)
    units = len(text.encode("utf-16-le")) // 2  # emoji take two UTF-16 units
    parts = 1 if units <= UCS2_SINGLE else math.ceil(units / UCS2_PART)
    return SegmentCount("UCS-2", units, parts)
