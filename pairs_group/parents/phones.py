"""Mobile numbers: parsed and checked with `phonenumbers`, stored in E.164 (+447123456789)."""

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
