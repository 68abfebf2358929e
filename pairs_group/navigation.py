"""The staff menu: each feature adds its own links, shown to those the access matrix lets in."""

from flask import current_app, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from pairs_group.access import lets_in, roles_of

STAFF_LINKS = []  # (order, endpoint, label)
# Functions (session, families, running) -> {enrolment id: [{"text", "url"}]}: a higher
# feature's words on each family's register row, a link (or, with url None, a tag to notice);
# the register cannot import that feature. `families` are attendance.service.Family: each
# enrolment's own columns and her name, read for the page; `running` the group's sessions still
# on (attendance.service.running_sessions), read once for the page.
REGISTER_NOTES = []


def add_register_notes(provider):
    if provider not in REGISTER_NOTES:
        REGISTER_NOTES.append(provider)


def register_notes(session, families, running):
    """{enrolment id: [note]} from every feature that adds notes to register rows."""
    notes = {}
    for provider in REGISTER_NOTES:
        for key, found in provider(session, families, running).items():
            notes.setdefault(key, []).extend(found)
    return notes


def add_staff_link(endpoint, label, order=50):
    if not any(link[1] == endpoint for link in STAFF_LINKS):
        STAFF_LINKS.append((order, endpoint, label))
        STAFF_LINKS.sort(key=lambda link: link[0])


def staff_navigation():
    """The menu of a member of staff: the same for everyone of her role in one language, so it
    is built once per role and language in each process (building its links on every staff page
    cost ~0.2 ms)."""
    if not current_user.is_authenticated or getattr(current_user, "kind", None) != "staff":
        return []
    menus = current_app.extensions.setdefault("navigation.staff_menus", {})
    key = (frozenset(roles_of(current_user)), str(get_locale()), request.script_root)
    if key not in menus:
        menus[key] = tuple(
            {"href": url_for(endpoint), "text": str(label)}
            for _order, endpoint, label in STAFF_LINKS
            if lets_in(endpoint, current_user))
    return menus[key]


def init_app(app):
    app.jinja_env.globals["staff_navigation"] = staff_navigation
