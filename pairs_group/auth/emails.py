"""The one rule for a staff email address, shared by the sign-in form and `users create`,
so no account can be made that the sign-in page would refuse."""

import email_validator
from wtforms.validators import ValidationError


def staff_email_problem(value):
    """Why the sign-in page would refuse this address (email-validator's words), or None."""
    try:
        email_validator.validate_email(value or "", check_deliverability=False)
    except email_validator.EmailNotValidError as error:
        return str(error)
    return None


class StaffEmail:
    """WTForms validator: the address passes `staff_email_problem`."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if staff_email_problem(field.data) is not None:
            raise ValidationError(self.message)
