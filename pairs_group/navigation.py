"""The staff menu: each feature adds its own links, shown to the roles that may follow them."""

from flask import url_for
from flask_login import current_user

STAFF_LINKS = []  # (order, endpoint, label, roles)


def add_staff_link(endpoint, label, roles, order=50):
    if not any(link[1] == endpoint for link in STAFF_LINKS):
        STAFF_LINKS.append((order, endpoint, label, tuple(roles)))
        STAFF_LINKS.sort(key=lambda link: link[0])


def staff_navigation():
    if not current_user.is_authenticated or getattr(current_user, "kind", None) != "staff":
        return []
    return [
        {"href": url_for(endpoint), "text": str(label)}
        for _order, endpoint, label, roles in STAFF_LINKS
        if current_user.role in roles
    ]


def init_app(app):
    app.jinja_env.globals["staff_navigation"] = staff_navigation
