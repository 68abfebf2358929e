"""Mobile numbers: parsed and checked with `phonenumbers`, stored in E.164 (+447123456789)."""

import phonenumbers
from flask import current_app

MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE,
                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def mobile_e164(raw):
    """The number in E.164 if it is a mobile in an allowed country (UK unless configured)."""
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
    if phonenumbers.number_type(number) not in MOBILE_TYPES:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
