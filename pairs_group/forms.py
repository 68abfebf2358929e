"""Forms: CSRF for every form, and helpers shared by the features' forms."""

from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


class Form(FlaskForm):
    """Every form of the app (Flask-WTF gives WTForms' own messages in the page's language)."""

    def error_list(self):
        """(field id, message) for the error summary, in the order the fields appear."""
        found = []
        for field in self:
            for message in field.errors if isinstance(field.errors, list) else []:
                found.append((field.id, message))
        return found


def init_app(app):
    csrf.init_app(app)
