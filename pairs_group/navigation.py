"""The staff menu: each feature adds its own links, shown to those the access matrix lets in."""

from flask import url_for
from flask_login import current_user

from pairs_group.access import lets_in

STAFF_LINKS = []  # (order, endpoint, label)
# Functions (session, enrolments) -> {enrolment id: [{"text", "url"}]}: a higher feature's
# words on each family's register row, a link (or, with url None, a tag to notice); the
# register cannot import that feature.
REGISTER_NOTES = []


def add_register_notes(provider):
    if provider not in REGISTER_NOTES:
        REGISTER_NOTES.append(provider)


def register_notes(session, enrolments):
    """{enrolment id: [note]} from every feature that adds notes to register rows."""
    notes = {}
    for provider in REGISTER_NOTES:
        for key, found in provider(session, enrolments).items():
            notes.setdefault(key, []).extend(found)
    return notes


def add_staff_link(endpoint, label, order=50):
    if not any(link[1] == endpoint for link in STAFF_LINKS):
        STAFF_LINKS.append((order, endpoint, label))
        STAFF_LINKS.sort(key=lambda link: link[0])


def staff_navigation():
    if not current_user.is_authenticated or getattr(current_user, "kind", None) != "staff":
        return []
    return [
        {"href": url_for(endpoint), "text": str(label)}
        for _order, endpoint, label in STAFF_LINKS
        if lets_in(endpoint, current_user)
    ]


def init_app(app):
    app.jinja_env.globals["staff_navigation"] = staff_navigation
