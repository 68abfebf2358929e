"""Signing out ends the session on the server: a copied session or remember-me cookie stops
working at once, for parents and staff; "Sign out on every device" does the same for her."""

import sqlalchemy as sa

from pairs_group.audit.models import AuditEvent
from pairs_group.db import db
from pairs_group.parents.models import Parent
from tests import factories
from tests.account_factories import make_parent, sign_in_parent
from tests.conftest import staff_sign_in
from tests.pages import expect_redirect, get_page, url
from tests.security_helpers import fresh_request, log_in

REMEMBER = "remember_token"


def copy_of(client, *names):
    """A new browser holding copies of these cookies, as someone who took them would."""
    other = client.application.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        assert cookie is not None, f"no {name} cookie to copy"
        other.set_cookie(name, cookie.value)
    return other


def parent_is_in(client):
    return fresh_request(client, url(client, "account.home")).status_code == 200


def staff_is_in(client):
    return fresh_request(client, url(client, "groups.list_groups")).status_code == 200


def signed_in_parent_remembering(client):
    parent = make_parent()
    db.session.commit()
    sign_in_parent(client, parent, remember=True)
    assert client.get_cookie(REMEMBER) is not None
    return parent


def test_a_remembered_phone_is_signed_out_by_sign_out(client):
    signed_in_parent_remembering(client)
    reopened = copy_of(client, REMEMBER)  # the browser closed and opened again: no session
    assert parent_is_in(reopened)
    response = fresh_request(client, url(client, "account.sign_out"), method="POST")
    assert client.get_cookie(REMEMBER) is None, response.headers.getlist("Set-Cookie")
    assert not parent_is_in(client)
    assert not parent_is_in(reopened)


def test_copied_parent_cookies_stop_working_when_she_signs_out(client):
    signed_in_parent_remembering(client)
    both, session_only = copy_of(client, "session", REMEMBER), copy_of(client, "session")
    remember_only = copy_of(client, REMEMBER)
    assert parent_is_in(both) and parent_is_in(session_only) and parent_is_in(remember_only)
    fresh_request(client, url(client, "account.sign_out"), method="POST")
    for copy in (both, session_only, remember_only):
        assert not parent_is_in(copy)


def test_copied_staff_cookie_stops_working_when_they_sign_out(app):
    user = factories.make_staff("facilitator")
    db.session.commit()
    client = app.test_client()
    staff_sign_in(client, user)
    stolen = copy_of(client, "session")
    assert staff_is_in(stolen)
    fresh_request(client, url(client, "auth.sign_out"), method="POST")
    assert not staff_is_in(client)
    assert not staff_is_in(stolen)
    staff_sign_in(client, user)  # and a new sign-in works as before
    assert staff_is_in(client)


def test_a_copy_from_before_an_earlier_sign_out_stays_dead(client):
    signed_in_parent_remembering(client)
    old = copy_of(client, "session", REMEMBER)
    fresh_request(client, url(client, "account.sign_out"), method="POST")
    parent = db.session.scalar(sa.select(Parent))
    sign_in_parent(client, parent, remember=True)
    assert parent_is_in(client)
    assert not parent_is_in(old)


def test_she_signs_out_on_every_device_from_her_settings(client):
    parent = signed_in_parent_remembering(client)
    lost_phone = copy_of(client, "session", REMEMBER)
    page = get_page(client, "account.edit_settings")
    action = url(client, "account.sign_out_everywhere")
    assert "Sign out on every device" in page.text_of(f'form[action="{action}"] button')
    response = fresh_request(client, action, method="POST")
    page = get_page(client, expect_redirect(response, "account.sign_in"))
    assert page.shows("[role=status]", "You have signed out on every device")
    assert not parent_is_in(lost_phone) and not parent_is_in(client)
    actions = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.actor == parent.get_id())).all()
    assert "account.sign_out_everywhere" in actions


def test_signing_out_everywhere_needs_the_forms_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        parent = make_parent()
        db.session.commit()
        client = log_in(app.test_client(), parent)
        get_page(client, "account.edit_settings")  # its POST forms carry a token (checked)
        response = fresh_request(client, url(client, "account.sign_out_everywhere"),
                                 method="POST")
        assert response.status_code == 400
        assert parent_is_in(client)


def test_a_link_from_a_text_stops_working_when_she_signs_out_everywhere(app, client):
    from pairs_group.auth import links

    parent = make_parent()
    db.session.commit()
    with app.test_request_context():
        link = links.link_url(parent, "welcome")
    assert fresh_request(client, link.removeprefix("http://localhost")).status_code == 302
    assert parent_is_in(client)  # the welcome link opens her home page
    phone = app.test_client()
    sign_in_parent(phone, parent)
    fresh_request(phone, url(phone, "account.sign_out_everywhere"), method="POST")
    assert not parent_is_in(client)
