"""Mobile numbers: parsed and checked with `phonenumbers`, stored in E.164 (+447123456789)."""

import re

import phonenumbers
from flask import current_app

MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE,
                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def _valid_number(raw):
    """The parsed number if it is a real one in an allowed country (UK unless configured)."""
    text = str(raw or "").strip()
    if not text or len(text) > 30:
        return None
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException:
        return None
    allowed = current_app.config["SIGN_UP_COUNTRY_CODES"]
    if number.country_code not in allowed or not phonenumbers.is_valid_number(number):
        return None
    return number


def mobile_e164(raw):
    """The number in E.164 if it is a mobile in an allowed country (UK unless configured)."""
    number = _valid_number(raw)
    if number is None or phonenumbers.number_type(number) not in MOBILE_TYPES:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_e164(raw):
    """Any real phone number (a work landline too) in E.164, or None."""
    number = _valid_number(raw)
    return None if number is None else phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.E164)


def national(e164):
    """The number as people write it here: 07700 900123."""
    return phonenumbers.format_number(phonenumbers.parse(e164, "GB"),
                                      phonenumbers.PhoneNumberFormat.NATIONAL)


def sender_e164(raw):
    """A sender's number as an SMS provider gives it, in the form numbers are stored in:
    Notify writes "447700900123" (no +), Twilio "+447700900123"; a national "07700 900123"
    is read as a mobile. Anything else (a short code, a name) comes back as it was, for staff."""
    text = str(raw or "").strip()
    compact = re.sub(r"[\s().-]", "", text)
    if re.fullmatch(r"\+?[1-9]\d{6,14}", compact):
        return "+" + compact.lstrip("+")
    return mobile_e164(text) or text
